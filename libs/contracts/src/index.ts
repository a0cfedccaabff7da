// The SDK's entry: limits, error kinds, input schemas and wire types, on zod
// and @skatehubba/enums alone. Nothing here may import drizzle-orm, drizzle-zod
// or a database driver (lint bans them; a test bundles this entry and fails if
// one shows up). The enums come with it, so the SDK imports one package.
export * from '@skatehubba/enums';
export * from './limits';
export * from './text';
export * from './errors';
export * from './inputs/identity';
export * from './inputs/spots';
export * from './inputs/gamification';
export * from './inputs/notifications';
export * from './inputs/paging';
export * from './wire';
