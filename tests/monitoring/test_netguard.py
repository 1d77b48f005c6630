"""Where checks may connect: a corpus of addresses, with private targets on and off."""

import asyncio

import pytest

from monitoring import netguard

# Refused in every mode: metadata, link-local, not a host; also wrapped in IPv6 forms.
ALWAYS_REFUSED = [
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254",
    "169.254.1.1", "fe80::1", "fe80::1%eth0", "0.0.0.0", "0.1.2.3", "::",  # noqa: S104
    "224.0.0.1", "ff02::1", "240.0.0.1", "255.255.255.255",
    "::ffff:169.254.169.254",        # IPv4-mapped
    "::169.254.169.254",             # IPv4-compatible
    "64:ff9b::169.254.169.254",      # NAT64 well-known prefix
    "64:ff9b:1::a9fe:a9fe",          # NAT64 local-use prefix
    "2002:a9fe:a9fe::",              # 6to4 of the metadata address
    "2002:a9fe:a9fe:1::1",
    "2001:0:a9fe:a9fe::1",           # Teredo, metadata as the server
    "2001:0:4136:e378:8000:63bf:5601:5601",  # Teredo, metadata as the (obfuscated) client
    "2002:0000:0000::",              # 6to4 of 0.0.0.0
]
# Allowed only while private targets are on.
PRIVATE = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "::1", "fc00::1", "fd12::1",
    "100.64.0.1", "100.127.255.254",  # carrier-grade NAT (Tailscale, many clusters)
    "192.0.0.8", "192.0.0.170",       # IETF protocol assignments
    "fec0::1",                        # site-local
    "198.18.0.1", "192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1", "3fff::1",
    "::ffff:10.0.0.1", "::ffff:100.64.0.1", "::ffff:127.0.0.1",
    "2002:0a00:0001::1",              # 6to4 of 10.0.0.1
    "2002:6440:0001::",               # 6to4 of 100.64.0.1
    "2002:7f00:0001::",               # 6to4 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "64:ff9b::10.0.0.1",
]
PUBLIC = [
    "93.184.216.34", "8.8.8.8", "1.1.1.1", "2620:0:ccc::2", "2606:4700:4700::1111",
    "::ffff:93.184.216.34", "64:ff9b::8.8.8.8", "2002:5db8:d822::1",
]


@pytest.fixture(params=[True, False], ids=["private-on", "private-off"])
def mode(request, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = request.param
    return request.param


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_always_refused_in_both_modes(address, mode):
    assert netguard.refusal(address)


@pytest.mark.parametrize("address", PRIVATE)
def test_non_global_addresses_follow_the_private_setting(address, mode):
    reason = netguard.refusal(address)
    if mode:
        assert reason is None
    else:
        assert reason and "private targets are turned off" in reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed_in_both_modes(address, mode):
    assert netguard.refusal(address) is None


def test_a_refusal_names_the_address_inside_the_wrapper(settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = True
    reason = netguard.refusal("2002:a9fe:a9fe::")
    assert "169.254.169.254" in reason and "2002:a9fe:a9fe::" in reason
    assert "metadata" in reason


@pytest.mark.parametrize("literal", ["[2002:a9fe:a9fe::]", "100.64.0.1", "[fec0::1]"])
def test_connect_time_refuses_literals_too(literal, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    with pytest.raises(netguard.BlockedAddress):
        asyncio.run(netguard.resolve_allowed(literal, 80))


def test_save_time_refuses_a_name_resolving_to_a_wrapped_address(monkeypatch, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = True
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["2002:a9fe:a9fe::1"])
    with pytest.raises(netguard.BlockedAddress, match="metadata"):
        netguard.check_host("sneaky.example", 80)
