// The zod mirrors of the CHECK helpers have no drizzle in them, so they live
// in @skatehubba/contracts, where the SDK gets them too.
export { codePointLength, signedUrl, signedUrlSchema, storableText, tokenHashSchema, withLength } from '@skatehubba/contracts';
