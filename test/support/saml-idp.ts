import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';

/** A SAML identity provider test double: its own key and certificate, signing real assertions. */
export interface SamlIdpDouble {
  entityId: string;
  entryPoint: string;
  key: string;
  cert: string;
}

export async function makeSamlIdp(
  entityId = 'https://idp.example.test/saml',
): Promise<SamlIdpDouble> {
  const pems = await generate([{ name: 'commonName', value: 'idp.example.test' }], {
    keySize: 2048,
  });
  return {
    entityId,
    entryPoint: 'https://idp.example.test/sso',
    key: pems.private,
    cert: pems.cert,
  };
}

/** The AuthnRequest ID carried by the portal's redirect (HTTP-Redirect binding: deflated, base64). */
export function requestIdOf(redirect: URL): string {
  const xml = inflateRawSync(
    Buffer.from(redirect.searchParams.get('SAMLRequest')!, 'base64'),
  ).toString('utf8');
  return /\sID="([^"]+)"/.exec(xml)![1];
}

export interface AssertionOptions {
  idp: SamlIdpDouble;
  /** Signs with this key instead of the IdP's (a forged assertion). */
  signingKey?: string;
  issuer?: string;
  audience: string;
  acsUrl: string;
  inResponseTo: string;
  email: string;
  groups?: string[];
  notOnOrAfter?: Date;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A base64 SAML Response whose Assertion is signed (enveloped, exclusive c14n, RSA-SHA256). */
export function samlResponse(o: AssertionOptions): string {
  const now = new Date();
  const notBefore = new Date(now.getTime() - 60_000).toISOString();
  const notOnOrAfter = (o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString();
  const issuer = esc(o.issuer ?? o.idp.entityId);
  const assertionId = `_a${randomUUID()}`;
  const groups = (o.groups ?? [])
    .map((g) => `<saml:AttributeValue>${esc(g)}</saml:AttributeValue>`)
    .join('');
  const assertion =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${now.toISOString()}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(o.email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${o.inResponseTo}" NotOnOrAfter="${notOnOrAfter}" Recipient="${esc(o.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${esc(o.email)}</saml:AttributeValue></saml:Attribute>` +
    (groups ? `<saml:Attribute Name="groups">${groups}</saml:Attribute>` : '') +
    `</saml:AttributeStatement></saml:Assertion>`;
  const response =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomUUID()}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${esc(o.acsUrl)}" InResponseTo="${o.inResponseTo}">` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  const sig = new SignedXml({
    privateKey: o.signingKey ?? o.idp.key,
    publicCert: o.idp.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `//*[local-name(.)='Assertion']`,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(response, {
    prefix: 'ds',
    location: {
      reference: `//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']`,
      action: 'after',
    },
  });
  return Buffer.from(sig.getSignedXml()).toString('base64');
}
