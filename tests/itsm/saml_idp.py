"""A SAML 2.0 identity provider made in the test, for tests/itsm/test_sso_saml.py.

It has what a real IdP has for one organisation: an entity id, a single sign-on URL, an
RSA key and its self-signed certificate. It reads Tend's AuthnRequest from the redirect
(HTTP-Redirect binding: deflated, base64, in the query) and answers it with a Response
whose Assertion it signs with xmlsec (python3-saml's own `add_sign`), to be POSTed to the
ACS as a browser would (HTTP-POST binding). Nothing on Tend's side is mocked: allauth and
python3-saml check what arrives exactly as they would in production.
"""

import base64
import functools
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


@functools.cache
def key_pair(name: str) -> tuple[str, str]:
    """A private key and a self-signed certificate (PEM), one per name per test run:
    RSA key generation is the slow part."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def authn_request(location: str) -> tuple[str, dict]:
    """The AuthnRequest in a redirect to the IdP: its XML and the query parameters."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query,
                                          keep_blank_values=True).items()}
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"]), -15)
    return etree.fromstring(xml).get("ID"), query


@dataclass
class TestIdp:
    """One organisation's IdP. `slug` is the organisation in Tend's URLs."""

    __test__ = False  # not a pytest class
    slug: str
    host: str = "tend.example.com"
    entity_id: str = ""
    key_name: str = ""
    attributes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.entity_id = self.entity_id or f"https://idp.{self.slug}.test/saml"
        self.key_name = self.key_name or self.slug

    @property
    def sso_url(self) -> str:
        return f"https://idp.{self.slug}.test/sso"

    @property
    def cert_pem(self) -> str:
        return key_pair(self.key_name)[1]

    @property
    def acs_url(self) -> str:
        return f"http://{self.host}/accounts/saml/{self.slug}/acs/"

    @property
    def sp_entity_id(self) -> str:
        # allauth's default SP entity id: the metadata URL.
        return f"http://{self.host}/accounts/saml/{self.slug}/metadata/"

    def app_settings(self, **extra) -> dict:
        """SocialApp.settings as an admin would enter them for this IdP."""
        return {
            "idp": {"entity_id": self.entity_id, "sso_url": self.sso_url,
                    "x509cert": self.cert_pem},
            "attribute_mapping": {"email": "email", "email_verified": "email_verified",
                                  "first_name": "givenName", "last_name": "sn"},
            **extra,
        }

    def assertion(self, *, name_id: str, attributes: dict, in_response_to: str,
                  audience: str = "", recipient: str = "", now: datetime | None = None,
                  lifetime: timedelta = timedelta(minutes=5)) -> str:
        now = now or datetime.now(UTC)
        until = _instant(now + lifetime)
        values = "".join(
            f'<saml:Attribute Name={quoteattr(name)}>'
            + "".join(f"<saml:AttributeValue>{escape(str(v))}</saml:AttributeValue>"
                      for v in (vals if isinstance(vals, list | tuple) else [vals]))
            + "</saml:Attribute>"
            for name, vals in attributes.items())
        return (
            f'<saml:Assertion xmlns:saml="{SAML}" ID="_a{uuid.uuid4().hex}" Version="2.0" '
            f'IssueInstant="{_instant(now)}">'
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            f'<saml:Subject><saml:NameID Format="{PERSISTENT}">{escape(name_id)}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" '
            f'Recipient={quoteattr(recipient or self.acs_url)} '
            f'InResponseTo="{in_response_to}"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(now - timedelta(seconds=30))}" '
            f'NotOnOrAfter="{until}"><saml:AudienceRestriction>'
            f"<saml:Audience>{escape(audience or self.sp_entity_id)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" '
            f'SessionIndex="_s{uuid.uuid4().hex}"><saml:AuthnContext>'
            "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:"
            "PasswordProtectedTransport</saml:AuthnContextClassRef>"
            "</saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{values}</saml:AttributeStatement>"
            "</saml:Assertion>")

    def sign(self, xml: str, *, key_name: str = "") -> str:
        """Sign the element whose Issuer comes first (the Assertion, or the Response)."""
        key_pem, cert_pem = key_pair(key_name or self.key_name)
        signed = OneLogin_Saml2_Utils.add_sign(xml, key_pem, cert_pem)
        return signed.decode() if isinstance(signed, bytes) else signed

    def response(self, assertion: str, *, in_response_to: str, now: datetime | None = None,
                 destination: str = "") -> str:
        now = now or datetime.now(UTC)
        return (
            f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" '
            f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}" '
            f'Destination={quoteattr(destination or self.acs_url)} '
            f'InResponseTo="{in_response_to}">'
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode '
            'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{assertion}</samlp:Response>")

    def answer(self, request_id: str, *, name_id: str, attributes: dict | None = None,
               key_name: str = "", **assertion_args) -> str:
        """The usual answer: a Response around an Assertion signed with this IdP's key."""
        assertion = self.assertion(name_id=name_id, in_response_to=request_id,
                                   attributes=self.attributes | (attributes or {}),
                                   **assertion_args)
        return self.response(self.sign(assertion, key_name=key_name),
                             in_response_to=request_id)


def encode(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
