/**
 * `npm run relay`: the reference relay alone, configured by environment variables (README
 * "Relay"). Prints its URL, token, mode and outbox folder.
 */
import { ConfigError, readConfig } from './config';
import { startRelay } from './server';

try {
  const config = readConfig();
  const relay = await startRelay(config);
  console.log(`Relay listening at ${relay.url}`);
  console.log(
    `Relay token: ${config.token}${config.tokenGenerated ? ' (generated; set RELAY_TOKEN to fix it)' : ''}`
  );
  console.log(
    config.smtpUrl
      ? `Relay mode: SMTP (${new URL(config.smtpUrl).host})`
      : `Relay mode: outbox, writing .eml files to ${config.outboxDir}`
  );
  console.log(`Relay allows origins: ${config.allowedOrigins.join(', ')}`);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Relay not started: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
