// Driver-free entry: tuples, union types and zod enums. The SDK gets them
// through @skatehubba/contracts, which re-exports this entry; nothing here may
// import drizzle-orm or a database driver (a test bundles this entry and fails
// if one shows up). The Postgres enum objects live in `./pg`.
export * from './values';
export * from './zod';
