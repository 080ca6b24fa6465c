// The call sequence of AWS's proxy-sessions sample (aws-samples/amazon-chime-proxy-sessions-demo), written
// here from its calls, with the AWS SDK for JavaScript v2 configured the way the sample configures it: a
// legacy Chime client for us-east-1 whose endpoint is https://service.chime.aws.amazon.com/console, settings
// from environment strings. CHIME_CONSOLE_ENDPOINT redirects that endpoint (to the fake's server).
// Usage: USER_NUMBER=... PROVIDER_NUMBER=... EXPIRY_MINUTES=... node proxy_sample.cjs
// Prints one JSON object with each call's HTTP status and data, for the Python test to check.
"use strict";
const AWS = require("aws-sdk");

const chime = new AWS.Chime({ region: "us-east-1" });
chime.endpoint = new AWS.Endpoint(process.env.CHIME_CONSOLE_ENDPOINT || "https://service.chime.aws.amazon.com/console");

async function call(operation, params) {
  const data = await chime[operation](params).promise();
  const plain = JSON.parse(JSON.stringify(data, (key, value) => (key === "$response" ? undefined : value)));
  return { status: data.$response.httpResponse.statusCode, data: plain, createdIsDate: hasDate(data) };
}

function hasDate(data) {
  const session = data.ProxySession;
  return session ? session.CreatedTimestamp instanceof Date : null;
}

async function main() {
  const seen = {};
  // the voice connector, as the sample's CloudFormation custom resource creates it
  seen.voiceConnector = await call("createVoiceConnector", {
    Name: "voice-connector-demo-01", AwsRegion: "us-east-1", RequireEncryption: false,
  });
  const voiceConnectorId = seen.voiceConnector.data.VoiceConnector.VoiceConnectorId;
  // the backend's POST /proxySession: country and area code of the user's number, then the two calls
  const user = process.env.USER_NUMBER;
  const userCountry = process.env.USER_COUNTRY;
  const userArea = user.slice(2, 5); // the national number's first three digits (+1 numbers)
  seen.proxy = await call("putVoiceConnectorProxy", {
    DefaultSessionExpiryMinutes: process.env.EXPIRY_MINUTES, // a string, as the sample sends it
    PhoneNumberPoolCountries: [userCountry],
    VoiceConnectorId: voiceConnectorId,
  });
  seen.session = await call("createProxySession", {
    Capabilities: ["Voice", "SMS"],
    ParticipantPhoneNumbers: [process.env.PROVIDER_NUMBER, user],
    VoiceConnectorId: voiceConnectorId,
    ExpiryMinutes: parseInt(process.env.EXPIRY_MINUTES),
    GeoMatchParams: { AreaCode: userArea, Country: userCountry },
    Name: "DemoProxy",
    NumberSelectionBehavior: "PreferSticky",
  });
  // the backend's DELETE /proxySession/:id
  seen.deleted = await call("deleteProxySession", {
    ProxySessionId: seen.session.data.ProxySession.ProxySessionId, VoiceConnectorId: voiceConnectorId,
  });
  process.stdout.write(JSON.stringify(seen));
}

main().catch((error) => {
  process.stderr.write(`${error.code}: ${error.message}\n`);
  process.exit(1);
});
