import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { AppConfig } from './config/app-config';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  if (config.jwtSecretGenerated) {
    new Logger('Bootstrap').warn('JWT_SECRET is not set: tokens are signed with a secret made up at start and die with the process');
  }
  await app.listen(config.PORT, '0.0.0.0');
  new Logger('Bootstrap').log(`Listening on http://localhost:${config.PORT} (API docs at /docs)`);
}

void main();
