/**
 * The suites' database comes from TEST_DATABASE_URL alone, never from a DATABASE_URL the shell holds
 * for the service: a PostgreSQL database the suites use has its public schema emptied first. Set
 * before any suite is loaded, as the suites read DATABASE_URL to know which database they run on.
 */
const testDatabase = process.env.TEST_DATABASE_URL;
if (testDatabase) process.env.DATABASE_URL = testDatabase;
else delete process.env.DATABASE_URL;
