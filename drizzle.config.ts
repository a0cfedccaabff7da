import { defineConfig } from 'drizzle-kit';

// drizzle-kit reads the composed schema from the aggregator. Column names are
// written out in snake_case in every table file, so no `casing` option is set
// here or anywhere else: what you read in a table file is what the SQL says.
export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/db/src/schema.ts',
  out: './migrations',
  strict: true,
  verbose: true,
  dbCredentials: {
    // drizzle-kit (studio, introspection) holds a session: the direct URL when a pooled one is set too.
    url: process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  },
});
