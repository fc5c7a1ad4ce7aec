"""History (app/history.py): plain Python, no Qt."""

from patternkb.app.history import History, Stop


def places(stops):
    return [s.place for s in stops]


def test_back_and_forward_walk_the_places_visited():
    history = History()
    for place in (("a", ""), ("b", ""), ("b", "snippet-1"), ("c", "")):
        history.visit(place)
    assert history.go_back().place == ("b", "snippet-1")
    assert history.go_back().place == ("b", "")
    assert history.go_forward().place == ("b", "snippet-1")
    assert history.current.place == ("b", "snippet-1")
    assert places(history.back) == [("a", ""), ("b", "")] and places(history.forward) == [("c", "")]


def test_a_new_place_drops_the_places_ahead_and_the_same_place_is_not_recorded_twice():
    history = History()
    history.visit(("a", ""))
    history.visit(("a", ""))  # shown again (a theme change): no step back to itself
    history.visit(("b", ""))
    history.go_back()
    history.visit(("c", ""))
    assert history.forward == [] and places(history.back) == [("a", "")] and history.current.place == ("c", "")


def test_at_either_end_there_is_nowhere_to_go():
    history = History()
    assert history.go_back() is None and history.go_forward() is None
    history.visit(("a", ""))
    assert history.go_back() is None and history.go_forward() is None
    assert history.current.place == ("a", "")


def test_each_place_comes_back_scrolled_where_it_was_left():
    history = History()
    history.visit(("a", ""))
    history.visit(("b", ""), left_at=300)  # a was left 300 px down
    history.leave(120)  # b covered by a preview, 120 px down
    history.visit(("c", ""))
    assert history.go_back(left_at=50) == Stop("b", "", 120)
    assert history.go_back(left_at=80) == Stop("a", "", 300)
    assert history.go_forward() == Stop("b", "", 80)
    assert history.go_forward() == Stop("c", "", 50)


def test_the_history_round_trips_through_json_and_malformed_data_is_left_out():
    history = History()
    for n, place in enumerate((("a", ""), ("b", "x"), ("c", ""))):
        history.visit(place, left_at=n * 10)
    history.go_back(left_at=7)
    again = History.from_json(history.to_json())
    assert (again.back, again.current, again.forward) == (history.back, history.current, history.forward)
    assert History.from_json({"back": [["a"], 3, ["b", "", "far"]], "current": "c"}).current is None
    assert History.from_json(None).back == []
