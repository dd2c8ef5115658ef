import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
import { SwaggerModule } from '@nestjs/swagger';
import type * as SwaggerPlugin from '@nestjs/swagger/dist/plugin';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The package exports its plugin as '@nestjs/swagger/plugin' but declares its types only under dist.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin') as typeof SwaggerPlugin;

const ROOT = join(__dirname, '..', '..');

/**
 * Makes a test app serve the OpenAPI document the built service serves. `nest build` runs the
 * Swagger plugin (nest-cli.json), which describes every DTO's fields; ts-jest does not, so a test
 * app's document would list the operations with empty schemas. This runs the same plugin with the
 * same options over the sources and loads what it finds, as Nest's SWC builds do. Call it before
 * `startApp`; it takes a few seconds (the plugin reads the types).
 */
export async function describeDtosAsBuilt(): Promise<void> {
  const cli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as { compilerOptions: { plugins: { name: string; options: object }[] } };
  const options = cli.compilerOptions.plugins.find((plugin) => plugin.name === '@nestjs/swagger')!.options;
  const scratch = mkdtempSync(join(tmpdir(), 'openapi-metadata-'));
  try {
    // The printed module imports the DTO sources (not their build: rootDir is outDir) relative to the scratch folder it is written to.
    new PluginMetadataGenerator().generate({
      visitors: [new ReadonlyVisitor({ ...options, pathToSource: scratch, rootDir: ROOT, outDir: ROOT })],
      tsProgramRef: ReadonlyVisitor.createTsProgram(join(ROOT, 'tsconfig.build.json')),
      outputDir: scratch,
      filename: 'metadata.ts',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const metadata = require(join(scratch, 'metadata.ts')) as { default: () => Promise<Record<string, unknown>> };
    await SwaggerModule.loadPluginMetadata(metadata.default);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
