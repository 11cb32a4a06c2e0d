package io.ha4neo.schemas.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

/**
 * A record of the log as Avro's JSON encoding of the current event schema: one line a person can read. Used to export
 * the commits of a divergent tail, next to the record's exact bytes (Avro's JSON cannot carry every double, such as
 * NaN, back). Works on records written with embedded schema ids.
 */
public final class EventJson {
    private EventJson() {
    }

    /** One record value (wire format) as one line of JSON, in the current schema. */
    public static String toJson(byte[] recordValue) throws DecodeException {
        Schema writer = new EmbeddedSchemas().writerSchema(WireFormat.schemaId(recordValue));
        try {
            GenericRecord r = new GenericDatumReader<GenericRecord>(writer, EventSchemas.current()).read(null,
                    DecoderFactory.get().binaryDecoder(recordValue, WireFormat.HEADER_BYTES,
                            recordValue.length - WireFormat.HEADER_BYTES, null));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder json = EncoderFactory.get().jsonEncoder(EventSchemas.current(), out);
            new GenericDatumWriter<GenericRecord>(EventSchemas.current()).write(r, json);
            json.flush();
            return out.toString(StandardCharsets.UTF_8).replace('\n', ' ');
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(DecodeException.Reason.CORRUPT, "cannot render the record as JSON: "
                    + e.getMessage(), e);
        }
    }
}
