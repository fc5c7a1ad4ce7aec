"""History (app/history.py): plain Python, no Qt."""

from patternkb.app.history import History


def test_back_and_forward_walk_the_places_visited():
    history = History()
    for place in (("a", ""), ("b", ""), ("b", "snippet-1"), ("c", "")):
        history.visit(place)
    assert history.go_back() == ("b", "snippet-1")
    assert history.go_back() == ("b", "")
    assert history.go_forward() == ("b", "snippet-1")
    assert history.current == ("b", "snippet-1")
    assert history.back == [("a", ""), ("b", "")] and history.forward == [("c", "")]


def test_a_new_place_drops_the_places_ahead_and_the_same_place_is_not_recorded_twice():
    history = History()
    history.visit(("a", ""))
    history.visit(("a", ""))  # shown again (a theme change): no step back to itself
    history.visit(("b", ""))
    history.go_back()
    history.visit(("c", ""))
    assert history.forward == [] and history.back == [("a", "")] and history.current == ("c", "")


def test_at_either_end_there_is_nowhere_to_go():
    history = History()
    assert history.go_back() is None and history.go_forward() is None
    history.visit(("a", ""))
    assert history.go_back() is None and history.go_forward() is None
    assert history.current == ("a", "")
