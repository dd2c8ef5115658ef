/** Machine specs sit beside the machines; end-to-end suites in test/. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '(workflows|src|test)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  // content-disposition 3 ships only ES modules; jest runs CommonJS, so it is transpiled too.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/test-database.ts'],
  testTimeout: 60000,
};
