import pytest

from kiosk.ui.flow import KioskFlow, Step


def test_a_visit_walks_forward_and_back():
    flow = KioskFlow(default_language="en")
    flow.choose_language("vi")
    assert (flow.step, flow.visit.language) == (Step.SERVICES, "vi")
    flow.choose_service("permits")
    assert flow.step == Step.NAME
    flow.back()
    assert flow.step == Step.SERVICES
    flow.back()
    assert flow.step == Step.WELCOME and flow.visit.service_code is None


def test_reset_forgets_everything():
    flow = KioskFlow(default_language="es")
    flow.toggle_large_print()
    flow.choose_language("ru")
    flow.choose_service("payments")
    flow.visit.first_name = "Ольга"
    flow.reset()
    assert flow.step == Step.WELCOME
    assert flow.visit.language == "es"
    assert flow.visit.large_print is False
    assert flow.visit.service_code is None and flow.visit.first_name is None


def test_after_the_ticket_back_means_done():
    flow = KioskFlow()
    flow.choose_language("en")
    flow.choose_service("other")
    flow.visit.first_name = "Ana"
    flow.ticket_issued(object())
    assert flow.step == Step.TICKET and flow.visit.first_name is None
    flow.back()
    assert flow.step == Step.WELCOME


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        KioskFlow().choose_language("xx")
