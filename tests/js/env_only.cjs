// The AWS SDK for JavaScript v3 configured by the environment alone, as a user's program would be after
// running the server's export line: the client is given its endpoint and nothing else (no region, no
// credentials). Usage: node env_only.cjs <endpoint url> <voice connector id>
// Prints one JSON object: the region the SDK resolved and the session it created.
"use strict";
const { ChimeSDKVoiceClient, CreateProxySessionCommand } = require("@aws-sdk/client-chime-sdk-voice");

async function main() {
  const [endpoint, voiceConnectorId] = process.argv.slice(2);
  const client = new ChimeSDKVoiceClient({ endpoint, maxAttempts: 1 });
  const created = await client.send(new CreateProxySessionCommand({
    VoiceConnectorId: voiceConnectorId,
    ParticipantPhoneNumbers: ["+14015550101", "+12065550100"],
    Capabilities: ["Voice"],
  }));
  const region = await client.config.region();
  process.stdout.write(JSON.stringify({ region, status: created.ProxySession.Status }));
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
});
