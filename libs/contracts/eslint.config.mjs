import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      // The module boundaries ban drizzle-orm by package name; this entry of a
      // workspace lib is drizzle too (it builds the pgEnums), so it is named here.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@skatehubba/enums/pg', message: 'the SDK bundle must stay drizzle-free: import @skatehubba/enums' }] },
      ],
    },
  },
];
