/** Unit tests sit beside the rules they test; end-to-end suites live under test/. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose ships only ES modules; jest's module runtime needs them as CommonJS.
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  // Generous: suites start real servers and databases, and CI machines are shared.
  testTimeout: 180000,
  // A suite that fails half-way must not keep CI waiting on a server it left open.
  forceExit: true,
};
