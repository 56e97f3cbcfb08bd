"""Signed webhooks (HMAC-SHA256 over the timestamp and the body) and the recipients' contacts."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest

from egide.adapters.connectors.webhook import read_secret
from egide.domain.errors import ConfigurationError, InvalidInputError
from egide.domain.recipient_notices import NoticeChannel, contact_channel, webhook_secret_env
from egide.domain.signatures import SignatureError, sign, verify

SECRET = b"0123456789abcdef0123456789abcdef"
BODY = b'{"type":"art19.notice","reference":"DSR-2026-000001"}'
AT = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)


def test_the_header_carries_the_time_and_the_hmac_of_the_time_and_the_body():
    header = sign(SECRET, BODY, AT)
    timestamp = int(AT.timestamp())
    expected = hmac.new(SECRET, f"{timestamp}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={timestamp},v1={expected}"
    assert verify(SECRET, BODY, header, AT + timedelta(seconds=30)) == timestamp


def test_a_signature_made_with_another_secret_is_refused_as_forged():
    with pytest.raises(SignatureError, match="does not match the body"):
        verify(SECRET, BODY, sign(b"another-secret-of-enough-length", BODY, AT), AT)


def test_an_altered_body_is_refused():
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET, BODY.replace(b"000001", b"000002"), sign(SECRET, BODY, AT), AT)


@pytest.mark.parametrize("drift", [timedelta(minutes=6), -timedelta(minutes=6)])
def test_a_signature_outside_the_replay_window_is_refused_as_stale(drift):
    with pytest.raises(SignatureError, match="stale") as raised:
        verify(SECRET, BODY, sign(SECRET, BODY, AT), AT + drift)
    assert raised.value.problems[0].path == "Egide-Signature"


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", "t=1769851800", "garbage"])
def test_a_malformed_header_is_refused_with_the_expected_shape(header):
    with pytest.raises(SignatureError, match="malformed") as raised:
        verify(SECRET, BODY, header, AT)
    assert "t=<unix time>,v1=<hex HMAC-SHA256>" in raised.value.problems[0].message


def test_a_second_signature_during_a_secret_rotation_is_accepted():
    old = sign(b"the-old-secret-still-in-use-here", BODY, AT)
    new = sign(SECRET, BODY, AT).split(",")[1]
    assert verify(SECRET, BODY, f"{old},{new}", AT)


def test_a_short_secret_is_refused():
    with pytest.raises(InvalidInputError, match="at least 16 bytes"):
        sign(b"short", BODY, AT)


@pytest.mark.parametrize(("contact", "channel"), [
    ("dpo@processor.example.com", NoticeChannel.email), ("mailto:dpo@processor.example.com", NoticeChannel.email),
    ("https://processor.example.com/art19", NoticeChannel.webhook), ("http://127.0.0.1:8080/hook", NoticeChannel.webhook),
    (None, NoticeChannel.none), ("  ", NoticeChannel.none),
])
def test_a_contact_is_an_email_or_a_webhook_url(contact, channel):
    assert contact_channel(contact) is channel


@pytest.mark.parametrize("contact", ["ftp://processor.example.com/in", "+33 1 23 45 67 89", "https://", "dpo"])
def test_an_unknown_contact_scheme_is_an_input_error_naming_the_field(contact):
    with pytest.raises(InvalidInputError, match="neither an email address nor an http") as raised:
        contact_channel(contact, "recipients[3].contact")
    assert raised.value.problems[0].path == "recipients[3].contact"


def test_a_recipients_secret_is_read_from_a_variable_named_after_its_key():
    assert webhook_secret_env("google-ireland") == "EGIDE_RECIPIENT_SECRET_GOOGLE_IRELAND"
    assert read_secret("EGIDE_RECIPIENT_SECRET_OVH", {"EGIDE_RECIPIENT_SECRET_OVH": SECRET.decode()}) == SECRET
    with pytest.raises(ConfigurationError, match="EGIDE_RECIPIENT_SECRET_OVH is not set"):
        read_secret("EGIDE_RECIPIENT_SECRET_OVH", {})
    with pytest.raises(ConfigurationError, match="use at least 16"):
        read_secret("X_SECRET", {"X_SECRET": "tiny"})
