// What Kefu accepts as a mail address: one `@`, a dotted domain, nothing that
// could end a header or start another address (spaces, controls, `<>`, `,`, `;`,
// quotes). Stricter than RFC 5321 on purpose: every address here is typed by a
// person or an owner, and a refused odd one costs less than a mail to the wrong place.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;

/** The longest address the visitor table can hold. */
export const MAX_ADDRESS = 191;

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ADDRESS && ADDRESS.test(value) && !/[\x00-\x1f\x7f]/.test(value);
}
