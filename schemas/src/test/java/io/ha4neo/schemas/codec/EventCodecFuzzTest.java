package io.ha4neo.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.fixtures.RandomEvents;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Decoding hostile input: only {@link DecodeException} may escape, with the right reason where the damage
 * is known. The module's tests run with -Xmx256m (schemas/pom.xml), so a length prefix that made the
 * decoder allocate its announced size (up to 2^31 elements) would fail here with OutOfMemoryError.
 */
class EventCodecFuzzTest {
    private static final long SEED = 1234;
    private final EventCodec codec = EventCodecs.embedded(8 * 1024);
    private final Random random = new Random(SEED);
    private final Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    private int inputs;
    private int decodedFine;

    @Test
    void onlyDecodeExceptionsEscapeForMoreThanTenThousandDamagedInputs() {
        long start = System.nanoTime();
        List<byte[]> valid = validRecords();
        randomBytes(3_000);
        truncationsAtEveryLength(valid.subList(0, 6));
        bitFlips(valid, 6_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("fuzz: %d inputs in %d ms, %d decoded to some event, reasons %s%n", inputs, millis,
                decodedFine, reasons);
        assertThat(inputs).isGreaterThanOrEqualTo(10_000);
        assertThat(reasons).containsKeys(Reason.TRUNCATED, Reason.CORRUPT, Reason.WRONG_MAGIC_BYTE);
        assertThat(millis).as("fuzz run time in ms").isLessThan(20_000);
    }

    @Test
    void everyTruncationOfAValidRecordIsReportedAsTruncatedOrEmpty() {
        for (byte[] record : validRecords()) {
            for (int length = 0; length < record.length; length++) {
                Reason expected = length == 0 ? Reason.EMPTY : Reason.TRUNCATED;
                assertThat(reasonOf(java.util.Arrays.copyOf(record, length))).as("prefix of %d bytes", length)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void aRecordWithAnotherMagicByteIsRejectedAsWrongMagicByte() throws Exception {
        byte[] record = codec.encode(new RandomEvents(SEED).transaction()).get(0);
        for (int magic = 1; magic < 256; magic++) {
            byte[] copy = record.clone();
            copy[0] = (byte) magic;
            assertThat(reasonOf(copy)).isEqualTo(Reason.WRONG_MAGIC_BYTE);
        }
        assertThatThrownBy(() -> codec.decode(new byte[] {'{', '"'}))
                .hasMessageContaining("first byte is 123, expected magic byte 0");
    }

    @Test
    void aRecordWithAnUnknownSchemaIdIsRejectedNamingTheId() {
        byte[] record = codec.encode(new RandomEvents(SEED).transaction()).get(0);
        for (int id : new int[] {0, 8, 17, 0x01000002, -1}) {
            byte[] copy = record.clone();
            WireFormat.writeHeader(copy, id);
            assertThat(reasonOf(copy)).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        }
        byte[] copy = record.clone();
        WireFormat.writeHeader(copy, 42);
        assertThatThrownBy(() -> codec.decode(copy)).hasMessageContaining("schema id 42");
    }

    @Test
    void emptyAndNullValuesAreRejectedAsEmpty() {
        assertThat(reasonOf(new byte[0])).isEqualTo(Reason.EMPTY);
        assertThat(reasonOf(null)).isEqualTo(Reason.EMPTY);
    }

    @Test
    void aLengthPrefixClaimingTwoGigabytesIsRejectedWithoutAllocatingIt() {
        // Header fields commitId=1, previousCommitId=0, commitTimeMillis=0, then originClusterId claims
        // Integer.MAX_VALUE bytes: the decoder must not allocate before checking the remaining input.
        byte[] record = body(varint(1), varint(0), varint(0), varint(Integer.MAX_VALUE), new byte[16]);
        assertThatThrownBy(() -> codec.decode(record)).isInstanceOf(DecodeException.class)
                .hasMessageContaining("TRUNCATED").hasMessageContaining("string needs 2147483647 bytes");
    }

    @Test
    void anArrayCountClaimingBillionsOfItemsIsRejectedWithoutAllocatingIt() {
        // A valid header with empty strings and metadata, then createdNodes announces 2^31-1 nodes.
        byte[] record = body(varint(1), varint(0), varint(0), varint(0), varint(0), varint(0), varint(0),
                varint(0), varint(Integer.MAX_VALUE), new byte[64]);
        assertThatThrownBy(() -> codec.decode(record)).isInstanceOf(DecodeException.class)
                .hasMessageContaining("TRUNCATED").hasMessageContaining("announces 2147483647 items");
    }

    @Test
    void aVarintLongerThanTenBytesIsCorrupt() {
        byte[] tooLong = new byte[12];
        java.util.Arrays.fill(tooLong, (byte) 0xff);
        assertThat(reasonOf(body(tooLong))).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void trailingBytesAfterAValidEventAreCorrupt() throws Exception {
        byte[] record = codec.encode(new RandomEvents(SEED).transaction()).get(0);
        byte[] longer = java.util.Arrays.copyOf(record, record.length + 1);
        assertThat(reasonOf(longer)).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void aStructurallyValidRecordBreakingAModelRuleIsAnInvalidEvent() {
        // commitId 0 is encodable Avro but not a valid event (commit ids are positive).
        byte[] record = body(varint(0), varint(0), varint(0), varint(0), varint(0), varint(0), varint(0),
                varint(0), new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, varint(0), varint(1));
        assertThatThrownBy(() -> codec.decode(record)).isInstanceOf(DecodeException.class)
                .hasMessageContaining("INVALID_EVENT").hasMessageContaining("commitId must be positive");
    }

    // ---- generators -------------------------------------------------------------------------------

    private List<byte[]> validRecords() {
        RandomEvents events = new RandomEvents(SEED);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.addAll(codec.encode(events.transaction()));
        }
        out.addAll(codec.encode(events.createNodes(100, 6))); // chunked: several records
        return out;
    }

    private void randomBytes(int n) {
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            if (i % 2 == 0 && b.length >= 5) {
                WireFormat.writeHeader(b, 1 + random.nextInt(2)); // past the header, into the Avro body
            }
            decodeQuietly(b);
        }
    }

    private void truncationsAtEveryLength(List<byte[]> records) {
        for (byte[] record : records) {
            for (int length = 0; length < record.length; length++) {
                decodeQuietly(java.util.Arrays.copyOf(record, length));
            }
        }
    }

    private void bitFlips(List<byte[]> records, int n) {
        for (int i = 0; i < n; i++) {
            byte[] copy = records.get(random.nextInt(records.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int bit = random.nextInt(copy.length * 8);
                copy[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            decodeQuietly(copy);
        }
    }

    /** Decodes; a DecodeException is expected and counted, anything else fails the test. */
    private void decodeQuietly(byte[] value) {
        inputs++;
        try {
            TransactionEvent event = codec.decode(value);
            assertThat(event).isNotNull();
            decodedFine++;
        } catch (DecodeException e) {
            reasons.merge(e.reason(), 1, Integer::sum);
        }
    }

    private Reason reasonOf(byte[] value) {
        try {
            codec.decode(value);
            return null;
        } catch (DecodeException e) {
            return e.reason();
        }
    }

    private static byte[] body(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(new byte[] {0, 0, 0, (byte) EventSchemas.EMBEDDED_ID_V2});
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Avro's zig-zag varint of a long. */
    static byte[] varint(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7fL) != 0) {
            out.write((int) ((n & 0x7f) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }
}
