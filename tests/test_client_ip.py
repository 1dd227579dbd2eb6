from django.test import RequestFactory

from newsroom.client_ip import client_ip


def test_client_ip_ignores_forwarded_for_unless_proxies_are_trusted(settings):
    factory = RequestFactory()
    request = factory.post("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "192.0.2.10"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "1.2.3.4"
    request = factory.post(
        "/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.0.0.2"
    )
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 1
    request = factory.post("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) is None
