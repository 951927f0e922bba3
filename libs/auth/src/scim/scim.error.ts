/** An error in RFC 7644 §3.12 form; the SCIM controller's filter answers it as such. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?:
      'invalidFilter' | 'invalidValue' | 'uniqueness' | 'invalidSyntax' | 'noTarget' | 'mutability',
  ) {
    super(message);
  }

  body() {
    return {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.message,
    };
  }
}
