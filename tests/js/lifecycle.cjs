// The AWS SDK for JavaScript v3 against the pytest-chime-proxy server.
// Usage: node lifecycle.cjs <endpoint url> <voice connector id>
// Creates, gets, lists, updates and deletes a proxy session, then expects NotFoundException on a get;
// prints one JSON object with what the SDK returned, for the Python test to check.
"use strict";
const {
  ChimeSDKVoiceClient,
  CreateProxySessionCommand,
  GetProxySessionCommand,
  ListProxySessionsCommand,
  UpdateProxySessionCommand,
  DeleteProxySessionCommand,
  NotFoundException,
} = require("@aws-sdk/client-chime-sdk-voice");

async function main() {
  const [endpoint, voiceConnectorId] = process.argv.slice(2);
  if (!endpoint || !voiceConnectorId) throw new Error("usage: node lifecycle.cjs <endpoint> <voice connector id>");
  const client = new ChimeSDKVoiceClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  });
  const ids = { VoiceConnectorId: voiceConnectorId };
  const created = await client.send(new CreateProxySessionCommand({
    ...ids,
    ParticipantPhoneNumbers: ["+14015550101", "+12065550100"],
    Capabilities: ["Voice", "SMS"],
    Name: "from node",
    ExpiryMinutes: 30,
  }));
  const sessionId = created.ProxySession.ProxySessionId;
  const got = await client.send(new GetProxySessionCommand({ ...ids, ProxySessionId: sessionId }));
  const listed = await client.send(new ListProxySessionsCommand({ ...ids, Status: "Open" }));
  const updated = await client.send(new UpdateProxySessionCommand({
    ...ids, ProxySessionId: sessionId, Capabilities: ["SMS"],
  }));
  const deleted = await client.send(new DeleteProxySessionCommand({ ...ids, ProxySessionId: sessionId }));
  let notFound = null;
  try {
    await client.send(new GetProxySessionCommand({ ...ids, ProxySessionId: sessionId }));
  } catch (err) {
    notFound = {
      name: err.name,
      isNotFoundException: err instanceof NotFoundException,
      status: err.$metadata && err.$metadata.httpStatusCode,
      message: err.message,
    };
  }
  const typed = (s) => ({
    ...s,
    CreatedTimestamp: s.CreatedTimestamp instanceof Date ? s.CreatedTimestamp.toISOString() : s.CreatedTimestamp,
    UpdatedTimestamp: s.UpdatedTimestamp instanceof Date ? s.UpdatedTimestamp.toISOString() : s.UpdatedTimestamp,
    createdIsDate: s.CreatedTimestamp instanceof Date,
  });
  process.stdout.write(JSON.stringify({
    created: typed(created.ProxySession),
    createdStatus: created.$metadata.httpStatusCode,
    got: typed(got.ProxySession),
    listed: listed.ProxySessions.map((s) => s.ProxySessionId),
    updated: typed(updated.ProxySession),
    deletedStatus: deleted.$metadata.httpStatusCode,
    notFound,
  }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
