"""Item-data roles (app/roles.py): declared once, past Qt's own, each with its own number and a
name the models publish."""

from PySide6.QtCore import Qt

from patternkb.app.models import ResultsModel
from patternkb.app.roles import Role


def test_roles_are_past_userrole_and_distinct():
    values = [int(r) for r in Role.__members__.values()]  # aliases too: a repeated number makes one
    assert min(values) > int(Qt.ItemDataRole.UserRole)
    assert len(values) == len(set(values))


def test_every_role_has_its_lower_case_name_in_the_models_role_names(qapp):
    names = ResultsModel().roleNames()
    assert {int(r): r.name.lower().encode() for r in Role}.items() <= {int(k): bytes(v) for k, v in names.items()}.items()
