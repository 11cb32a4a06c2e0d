'use strict';
// RegistryModeIT's third-party reader: reads every record of the replication topic with kafkajs (read_committed, from
// the beginning) and decodes each through the Schema Registry with @kafkajs/confluent-schema-registry, none of which
// ha4neo wrote. Prints one JSON line per record; the IT compares them with what ha4neo's own codec decoded.
//
// usage: node decode-topic.js <bootstrap servers> <topic> <registry url> <user:password or ""> <records> <timeout ms>
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const avsc = require('avsc');

const [brokers, topic, registryUrl, userInfo, expected, timeoutMs] = process.argv.slice(2);

// Avro longs are 64-bit; a JavaScript number holds 53 bits, and avsc refuses to decode a larger long ("potential
// precision loss") unless told what to decode it into. Neo4j integers use all 64 bits, so decode them as BigInt, as
// avsc's documentation shows for custom long types.
const bigIntLong = avsc.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});

const auth = userInfo ? { username: userInfo.slice(0, userInfo.indexOf(':')),
  password: userInfo.slice(userInfo.indexOf(':') + 1) } : undefined;
const registry = new SchemaRegistry({ host: registryUrl, auth },
  { [SchemaType.AVRO]: { registry: { long: bigIntLong }, wrapUnions: true } });

/** The union branch of a wrapped union value: its record's name without the namespace, and its content. */
function branch(wrapped) {
  const name = Object.keys(wrapped)[0];
  return { type: name.slice(name.lastIndexOf('.') + 1), content: wrapped[name] };
}

function describeValue(propertyValue) {
  const { type, content } = branch(propertyValue.value);
  const plain = ['BooleanValue', 'LongValue', 'StringValue'].includes(type) ? String(content.value) : null;
  return plain === null ? { type } : { type, value: plain };
}

function describe(offset, schemaId, event) {
  return {
    offset,
    schemaId,
    commitId: String(event.commitId),
    previousCommitId: String(event.previousCommitId),
    epoch: String(event.epoch),
    chunkIndex: event.chunkIndex,
    chunkCount: event.chunkCount,
    createdNodes: event.createdNodes.map((n) => ({
      key: n.key,
      labels: n.labels,
      properties: Object.fromEntries(Object.entries(n.properties).sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, describeValue(v)])),
    })),
  };
}

async function main() {
  const kafka = new Kafka({ clientId: 'ha4neo-registry-interop', brokers: brokers.split(','), logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: `ha4neo-registry-interop-${process.pid}-${Date.now()}`,
    readUncommitted: false });
  const want = Number(expected);
  let seen = 0;
  let failed = null;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise((resolve) => {
    const timer = setTimeout(resolve, Number(timeoutMs));
    consumer.run({
      eachMessage: async ({ message }) => {
        try {
          const schemaId = message.value.readInt32BE(1);
          const event = await registry.decode(message.value);
          process.stdout.write(JSON.stringify(describe(Number(message.offset), schemaId, event)) + '\n');
        } catch (e) {
          failed = failed || `offset ${message.offset}: ${e && e.stack ? e.stack : e}`;
        }
        if (++seen >= want || failed) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch((e) => { failed = failed || String(e); resolve(); });
  });
  await done;
  await consumer.disconnect();
  if (failed) {
    process.stderr.write(`decode failed: ${failed}\n`);
    process.exit(1);
  }
  if (seen < want) {
    process.stderr.write(`read ${seen} of ${want} records within ${timeoutMs} ms\n`);
    process.exit(2);
  }
}

main().catch((e) => { process.stderr.write(`${e && e.stack ? e.stack : e}\n`); process.exit(1); });
