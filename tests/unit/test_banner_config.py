"""The cookie banner's configuration comes from the register, and its script proves what it is."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import re

import pytest

from egide.adapters.web.banner import (
    CONFIG_PLACEHOLDER,
    SHA_ZEROS,
    banner_config,
    banner_template,
    build_banner_script,
    config_json,
    cookies_hash,
    verify_banner_sha256,
)
from egide.register.loader import load_register
from tests.conftest import EXAMPLES
from tests.unit.registers import load_dict


def _with_cookies(clean: dict, cookies: list[dict], **policy: str) -> dict:
    register = copy.deepcopy(clean)
    register["cookies"] = cookies
    register["cookie_policy"] = {"consent_mechanism": "banner", **policy}
    register["activities"].append({
        "key": "audience", "name": "Mesure d'audience", "data_subjects": ["visitor"],
        "purposes": [{"use": "analytics.reporting", "legal_basis": "consent",
                      "withdrawal_channels": [{"kind": "cookie_banner"}]}],
        "data_categories": ["user.device.cookie_id"],
    })
    return register


ANALYTICS = {"name": "_ga", "provider": "hosting", "category": "analytics", "purpose": "count visits",
             "lifetime": "P13M", "activity": "audience"}
SESSION = {"name": "session", "provider": "Exemple SAS", "category": "strictly_necessary",
           "purpose": "keeps you signed in", "lifetime": "P1D", "exempt": True}


def test_seed_002_asks_for_its_two_consent_categories_and_remembers_six_months():
    loaded = load_register(EXAMPLES / "002-okasio.yaml")
    config = banner_config(loaded)
    assert [(c["key"], c["exempt"]) for c in config["categories"]] == [("functional", False), ("analytics", False)]
    assert config["register_version"] == loaded.sha256 == hashlib.sha256(loaded.text.encode()).hexdigest()
    assert config["remember_days"] == 182
    assert config["consent_endpoint"] == "/api/v1/consents"
    assert "OKASIO" in config["texts"]["fr"]["intro"] and "6 mois" in config["texts"]["fr"]["intro"]
    assert "6 months" in config["texts"]["en"]["intro"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_seed_register_gives_a_banner_with_the_same_texts_in_french_and_english(path):
    config = banner_config(load_register(path))
    assert set(config["texts"]["fr"]) == set(config["texts"]["en"])
    assert sum(len(c["cookies"]) for c in config["categories"]) == len(load_register(path).register.cookies)
    for category in config["categories"]:
        assert category["key"] in config["texts"]["fr"]["categories"]
    assert len(gzip.compress(build_banner_script(config).body, 9)) < 15_000  # the budget


def test_a_category_whose_cookies_are_all_exempt_is_always_on(clean_register, tmp_path):
    exempt_analytics = dict(ANALYTICS, name="_pk_id", exempt=True, activity=None)
    del exempt_analytics["activity"]
    config = banner_config(load_dict(_with_cookies(clean_register, [SESSION, exempt_analytics]), tmp_path))
    assert {c["key"]: c["exempt"] for c in config["categories"]} == {"strictly_necessary": True, "analytics": True}


def test_one_cookie_needing_consent_makes_its_category_ask(clean_register, tmp_path):
    exempt_analytics = dict(ANALYTICS, name="_pk_id", exempt=True)
    del exempt_analytics["activity"]
    config = banner_config(load_dict(_with_cookies(clean_register, [SESSION, exempt_analytics, ANALYTICS]), tmp_path))
    analytics = next(c for c in config["categories"] if c["key"] == "analytics")
    assert analytics["exempt"] is False
    assert [c["exempt"] for c in analytics["cookies"]] == [True, False]


def test_cookies_list_the_recipients_name_and_a_lifetime_in_both_languages(clean_register, tmp_path):
    config = banner_config(load_dict(_with_cookies(clean_register, [SESSION, ANALYTICS]), tmp_path))
    cookie = next(c for c in config["categories"] if c["key"] == "analytics")["cookies"][0]
    assert cookie == {"name": "_ga", "provider": "Hébergeur SAS", "purpose": "count visits", "exempt": False,
                      "lifetime": {"fr": "13 mois", "en": "13 months"}}


def test_only_real_cookie_names_are_offered_for_deletion(clean_register, tmp_path):
    family = dict(ANALYTICS, name="_ga_*")
    label = dict(ANALYTICS, name="Google Analytics")
    config = banner_config(load_dict(_with_cookies(clean_register, [SESSION, ANALYTICS, family, label]), tmp_path))
    analytics = next(c for c in config["categories"] if c["key"] == "analytics")
    assert analytics["names"] == ["_ga", "_ga_*"]


def test_the_remember_period_comes_from_the_cookie_policy_rounded_down(clean_register, tmp_path):
    config = banner_config(load_dict(_with_cookies(clean_register, [SESSION, ANALYTICS], remember_choice_for="P13M"),
                                     tmp_path))
    assert config["remember_days"] == 395  # 13 average months are 395.7 days: ask again a little early
    assert "conservé 13 mois" in config["texts"]["fr"]["intro"]


def test_the_cookies_hash_ignores_order_and_quotes_but_not_what_people_agree_to(clean_register, tmp_path):
    base = load_dict(_with_cookies(clean_register, [SESSION, ANALYTICS]), tmp_path, "a.yaml").register
    reordered = load_dict(_with_cookies(clean_register, [ANALYTICS, dict(SESSION, source_quote="quoted")]),
                          tmp_path, "b.yaml").register
    assert cookies_hash(base) == cookies_hash(reordered)
    changed_purpose = load_dict(_with_cookies(clean_register, [SESSION, dict(ANALYTICS, purpose="count and profile")]),
                                tmp_path, "c.yaml").register
    one_more = load_dict(_with_cookies(clean_register, [SESSION, ANALYTICS, dict(ANALYTICS, name="_gid")]),
                         tmp_path, "d.yaml").register
    assert len({cookies_hash(base), cookies_hash(changed_purpose), cookies_hash(one_more)}) == 3


@pytest.mark.parametrize("url, expected", [
    ("https://www.example.com/privacy", "https://www.example.com/privacy"),
    ("www.example.com", "https://www.example.com"),
    ("javascript:alert(1)", None),
    ("https://example.com/\"><script>", None),
])
def test_only_http_links_to_the_policy_reach_the_banner(clean_register, tmp_path, url, expected):
    clean_register["policy"]["url"] = url
    assert banner_config(load_dict(clean_register, tmp_path))["policy_url"] == expected


def test_the_served_script_carries_a_sha256_anyone_can_check():
    config = banner_config(load_register(EXAMPLES / "002-okasio.yaml"))
    script = build_banner_script(config)
    text = script.body.decode()
    assert CONFIG_PLACEHOLDER not in text
    assert f'"banner_sha256":"{script.banner_sha256}"' in text
    zeroed = text.replace(script.banner_sha256, SHA_ZEROS)
    assert hashlib.sha256(zeroed.encode()).hexdigest() == script.banner_sha256
    assert verify_banner_sha256(script.body)
    assert script.etag == hashlib.sha256(script.body).hexdigest()
    assert not verify_banner_sha256(script.body.replace(b"Tout accepter", b"Tout refuser"))


def test_the_same_register_gives_the_same_script_byte_for_byte():
    loaded = load_register(EXAMPLES / "002-okasio.yaml")
    assert build_banner_script(banner_config(loaded)).body == build_banner_script(banner_config(loaded)).body


def test_register_text_cannot_break_out_of_the_script(clean_register, tmp_path):
    hostile = dict(ANALYTICS, purpose="</script><img src=x onerror=alert(1)> & \u2028")
    config = banner_config(load_dict(_with_cookies(clean_register, [SESSION, hostile]), tmp_path))
    injected = config_json(config)
    assert not re.search(r"[<>&\u2028]", injected)
    assert json.loads(injected)["categories"][1]["cookies"][0]["purpose"] == hostile["purpose"]


def test_a_template_without_exactly_one_placeholder_is_refused():
    with pytest.raises(ValueError, match="exactly once"):
        build_banner_script({"banner_sha256": SHA_ZEROS}, template="var CONFIG = {};")
    assert banner_template().count(CONFIG_PLACEHOLDER) == 1
