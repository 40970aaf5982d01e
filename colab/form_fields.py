"""Form fields more than one feature uses."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

CHOOSE_FROM_LIST = _l("Choose from the list.")


class CheckboxesField(SelectMultipleField):
    """A choice of several, as checkboxes that work without JavaScript (templates lay them out in a fieldset).
    A value that is not among the choices gets a plain message, not WTForms' own."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if self.data and self.choices is not None and not set(self.data) <= {value for value, *_ in self.choices}:
            raise ValidationError(CHOOSE_FROM_LIST)
