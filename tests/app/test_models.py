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
