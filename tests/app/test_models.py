"""The Qt models (app/models.py), each through qtmodeltester."""

from patternkb.app.models import BookmarksModel, OutlineModel, ResultsModel
from patternkb.app.roles import DISPLAY, Role


def test_models_pass_the_model_tester(qtmodeltester, bundled_index):
    results = ResultsModel()
    results.set_result(bundled_index.search("mutex"))
    qtmodeltester.check(results)
    qtmodeltester.check(OutlineModel(bundled_index.kb))
    bookmarks = BookmarksModel(bundled_index.kb, [bundled_index.kb.entries[0].id])
    qtmodeltester.check(bookmarks)
    bookmarks.toggle(bundled_index.kb.entries[1].id)
    qtmodeltester.check(bookmarks)


def test_the_results_model_answers_each_role_from_its_hit(bundled_index):
    results = ResultsModel()
    result = bundled_index.search("mutex")
    results.set_result(result)
    index = results.index(0, 0)
    hit = result.hits[0]
    assert (index.data(DISPLAY), index.data(Role.Id), index.data(Role.Kind), index.data(Role.Path)) == \
        (hit.title, hit.id, hit.kind, hit.breadcrumb)
    assert results.roleNames()[Role.Fragment] == b"fragment"
    results.set_result(None)
    assert results.rowCount() == 0 and results.hit(0) is None


def test_each_result_is_followed_by_its_sub_hits_one_level_in(qtmodeltester, bundled_index):
    results = ResultsModel()
    result = bundled_index.search("mutex")
    results.set_result(result)
    qtmodeltester.check(results)
    rows = [results.index(row, 0) for row in range(results.rowCount())]
    assert len(rows) == len(result.hits) + sum(len(h.sub_hits) for h in result.hits)
    expected = []
    for hit in result.hits:
        expected.append((0, hit.title))
        expected += [(1, f"{sub.label}: {sub.title}") for sub in hit.sub_hits]
    assert [(index.data(Role.Depth), index.data(DISPLAY)) for index in rows] == expected
    assert any(depth == 1 for depth, _ in expected)


def test_a_sub_hit_row_opens_its_entry_at_the_sub_hit(bundled_index):
    results = ResultsModel()
    result = bundled_index.search("mutex")
    results.set_result(result)
    top = result.hits[0]
    snippet = next(n for n, sub in enumerate(top.sub_hits) if sub.kind == "snippet")
    opened = results.hit(1 + snippet)
    sub = top.sub_hits[snippet]
    assert (opened.parent, opened.anchor, opened.id, opened.fragment) == (top.id, sub.anchor, sub.id, sub.fragment)
    checklist = next((n for n, s in enumerate(top.sub_hits) if s.kind == "checklist"), None)
    if checklist is not None:  # a checklist item is an entry of its own: it opens as itself
        item = results.hit(1 + checklist)
        assert (item.id, item.parent, item.anchor) == (top.sub_hits[checklist].id, None, None)
