package dev.iotjwt.broker.tls;

import dev.iotjwt.broker.tls.HandshakeObservation.RecordSeen;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayList;
import java.util.List;

/**
 * Sits in front of the {@code SslHandler} during the handshake and notes, read-only, the record headers the device
 * sends (type and length, and the description of a plaintext 2-byte alert) and the bytes the bridge writes. It
 * passes every byte on unchanged and is removed when the handshake ends. Records are noted per read: the read that
 * completes the handshake may also carry the device's first application data records.
 */
final class TlsRecordWatch extends ChannelDuplexHandler {
    private final List<RecordSeen> records = new ArrayList<>();
    private final byte[] header = new byte[5];
    private int headerFill;
    private int bodyLeft;
    /** For a 2-byte alert record: the bytes of its body read so far (-1 when not an alert being read). */
    private int alertByte = -1;
    private long bytesWritten;

    List<RecordSeen> records() {
        return List.copyOf(records);
    }

    long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            scan(buf);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesWritten += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }

    private void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end && records.size() < TlsStage.MAX_RECORDS) {
            if (bodyLeft > 0) {
                if (alertByte >= 0) {
                    int v = buf.getUnsignedByte(i);
                    if (alertByte == 0) {
                        alertByte = 1;
                    } else {
                        records.set(records.size() - 1, new RecordSeen(21, 2, v));
                        alertByte = -1;
                    }
                    i++;
                    bodyLeft--;
                } else {
                    int skip = Math.min(bodyLeft, end - i);
                    i += skip;
                    bodyLeft -= skip;
                }
                continue;
            }
            header[headerFill++] = buf.getByte(i++);
            if (headerFill == 5) {
                headerFill = 0;
                int type = header[0] & 0xff;
                int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
                records.add(new RecordSeen(type, length, -1));
                bodyLeft = length;
                alertByte = type == 21 && length == 2 ? 0 : -1;
            }
        }
    }
}
