// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/rawsocket/rawsocketframer.h"

#include <QTest>

using namespace wb::transport;
using namespace wb::transport::rawsocket;

namespace {

QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray out;
    for (int v : values)
        out.append(char(quint8(v)));
    return out;
}

QByteArray header(int b0, qint64 length)
{
    return bytes({b0, int((length >> 16) & 0xFF), int((length >> 8) & 0xFF), int(length & 0xFF)});
}

} // namespace

class TstRawSocketFramer : public QObject
{
    Q_OBJECT
private slots:
    void lengthExponent_data()
    {
        QTest::addColumn<qint64>("maxSize");
        QTest::addColumn<int>("exponent");
        QTest::newRow("0") << qint64(0) << 0;
        QTest::newRow("1") << qint64(1) << 0;
        QTest::newRow("512") << qint64(512) << 0;
        QTest::newRow("513") << qint64(513) << 1;
        QTest::newRow("1000") << qint64(1000) << 1;
        QTest::newRow("64KiB") << qint64(64 * 1024) << 7;
        QTest::newRow("1MiB") << qint64(1024 * 1024) << 11;
        QTest::newRow("16MiB-1") << qint64(16 * 1024 * 1024 - 1) << 15;
        QTest::newRow("16MiB") << qint64(16 * 1024 * 1024) << 15;
        QTest::newRow("2GiB-clamped") << qint64(2) * 1024 * 1024 * 1024 << 15;
    }
    void lengthExponent()
    {
        QFETCH(qint64, maxSize);
        QFETCH(int, exponent);
        QCOMPARE(lengthExponentFor(maxSize), exponent);
        QVERIFY(maxLengthForExponent(exponent) >= std::min(maxSize, qint64(1) << 24));
    }

    void handshakeRoundTrip_data()
    {
        QTest::addColumn<int>("serializer");
        QTest::addColumn<int>("exponent");
        for (int ser = 1; ser <= 3; ++ser) {
            for (int l = 0; l <= 15; ++l)
                QTest::addRow("ser%d-L%d", ser, l) << ser << l;
        }
    }
    void handshakeRoundTrip()
    {
        QFETCH(int, serializer);
        QFETCH(int, exponent);
        const QByteArray encoded = encodeHandshake(serializer, exponent);
        QCOMPARE(encoded, bytes({0x7F, (exponent << 4) | serializer, 0, 0}));
        auto decoded = decodeHandshake(encoded);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QVERIFY(!decoded->isError());
        QCOMPARE(decoded->serializerId, serializer);
        QCOMPARE(decoded->lengthExponent, exponent);
        QCOMPARE(decoded->maxLength(), qint64(1) << (9 + exponent));
    }

    void handshakeKnownBytes()
    {
        // Examples from the notes: JSON 16 MiB, MsgPack 64 KiB, CBOR 16 MiB.
        QCOMPARE(encodeHandshake(1, 15), bytes({0x7F, 0xF1, 0, 0}));
        QCOMPARE(encodeHandshake(2, 7), bytes({0x7F, 0x72, 0, 0}));
        QCOMPARE(encodeHandshake(3, 15), bytes({0x7F, 0xF3, 0, 0}));
        QCOMPARE(decodeHandshake(bytes({0x7F, 0x72, 0, 0}))->maxLength(), qint64(64 * 1024));
    }

    void handshakeErrorReply_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("text");
        QTest::newRow("serializer-unsupported") << 1 << bytes({0x7F, 0x10, 0, 0}) << QStringLiteral("serializer unsupported");
        QTest::newRow("max-length-unacceptable") << 2 << bytes({0x7F, 0x20, 0, 0}) << QStringLiteral("maximum message length unacceptable");
        QTest::newRow("reserved-bits") << 3 << bytes({0x7F, 0x30, 0, 0}) << QStringLiteral("use of reserved bits");
        QTest::newRow("max-connections") << 4 << bytes({0x7F, 0x40, 0, 0}) << QStringLiteral("maximum connection count reached");
        QTest::newRow("reserved-code") << 9 << bytes({0x7F, 0x90, 0, 0}) << QStringLiteral("reserved error code 9");
    }
    void handshakeErrorReply()
    {
        QFETCH(int, code);
        QFETCH(QByteArray, wire);
        QFETCH(QString, text);
        if (code <= 4)
            QCOMPARE(encodeHandshakeError(HandshakeError(code)), wire);
        auto decoded = decodeHandshake(wire);
        QVERIFY(decoded.ok());
        QVERIFY(decoded->isError());
        QCOMPARE(decoded->errorCode, code);
        QVERIFY2(handshakeErrorText(code).contains(text), qPrintable(handshakeErrorText(code)));
    }

    void handshakeInvalid_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("text");
        QTest::newRow("http-request") << QByteArray("GET ") << QStringLiteral("rawsocket.bad_magic") << QStringLiteral("first byte 0x47");
        QTest::newRow("zero-magic") << bytes({0, 0xF1, 0, 0}) << QStringLiteral("rawsocket.bad_magic") << QStringLiteral("first byte 0x00");
        QTest::newRow("reserved-octet-2") << bytes({0x7F, 0xF1, 1, 0}) << QStringLiteral("rawsocket.reserved_bits") << QStringLiteral("reserved octets");
        QTest::newRow("reserved-octet-3") << bytes({0x7F, 0xF1, 0, 0x80}) << QStringLiteral("rawsocket.reserved_bits") << QStringLiteral("0x80");
        QTest::newRow("truncated") << bytes({0x7F, 0xF1}) << QStringLiteral("rawsocket.truncated") << QStringLiteral("got 2");
    }
    void handshakeInvalid()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, code);
        QFETCH(QString, text);
        auto decoded = decodeHandshake(wire);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, code);
        QVERIFY2(decoded.error().message.contains(text), qPrintable(decoded.error().message));
    }

    void frameHeader_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<qint64>("length");
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("message-0") << 0 << qint64(0) << bytes({0, 0, 0, 0});
        QTest::newRow("message-5") << 0 << qint64(5) << bytes({0, 0, 0, 5});
        QTest::newRow("message-0x123456") << 0 << qint64(0x123456) << bytes({0, 0x12, 0x34, 0x56});
        QTest::newRow("message-2^24-1") << 0 << (qint64(1) << 24) - 1 << bytes({0, 0xFF, 0xFF, 0xFF});
        QTest::newRow("message-2^24-xbit") << 0 << (qint64(1) << 24) << bytes({0x08, 0, 0, 0});
        QTest::newRow("ping-3") << 1 << qint64(3) << bytes({1, 0, 0, 3});
        QTest::newRow("pong-3") << 2 << qint64(3) << bytes({2, 0, 0, 3});
        QTest::newRow("ping-2^24-xbit") << 1 << (qint64(1) << 24) << bytes({0x09, 0, 0, 0});
    }
    void frameHeader()
    {
        QFETCH(int, type);
        QFETCH(qint64, length);
        QFETCH(QByteArray, wire);
        QCOMPARE(encodeFrameHeader(FrameType(type), length), wire);
        auto decoded = decodeFrameHeader(wire);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(int(decoded->type), type);
        QCOMPARE(decoded->length, length);
    }

    void frameHeaderInvalid_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("code");
        QTest::newRow("reserved-bit-0x10") << bytes({0x10, 0, 0, 1}) << QStringLiteral("rawsocket.reserved_bits");
        QTest::newRow("reserved-bit-0x80") << bytes({0x80, 0, 0, 1}) << QStringLiteral("rawsocket.reserved_bits");
        QTest::newRow("type-3") << bytes({0x03, 0, 0, 1}) << QStringLiteral("rawsocket.bad_frame_type");
        QTest::newRow("type-7") << bytes({0x07, 0, 0, 1}) << QStringLiteral("rawsocket.bad_frame_type");
        QTest::newRow("xbit-with-length") << bytes({0x08, 0, 0, 1}) << QStringLiteral("rawsocket.bad_length");
        QTest::newRow("truncated") << bytes({0x00, 0, 0}) << QStringLiteral("rawsocket.truncated");
    }
    void frameHeaderInvalid()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, code);
        auto decoded = decodeFrameHeader(wire);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, code);
        QVERIFY(!decoded.error().message.isEmpty());
    }

    void feed_data()
    {
        QTest::addColumn<QByteArrayList>("chunks");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QList<int>>("framesAfterChunk"); ///< frames completed by each chunk
        QTest::addColumn<QList<int>>("types");
        QTest::addColumn<QByteArrayList>("payloads");
        QTest::addColumn<int>("error");       ///< TransportError
        QTest::addColumn<QString>("errorText"); ///< substring

        const qint64 limit = 1024;
        const int none = int(TransportError::NoError);
        const QByteArray hello("hello");
        const QByteArray msg = header(0, 5) + hello;

        QTest::newRow("complete-frame") << QByteArrayList{msg} << limit << QList<int>{1} << QList<int>{0}
                                        << QByteArrayList{hello} << none << QString();
        QTest::newRow("empty-payload") << QByteArrayList{header(0, 0)} << limit << QList<int>{1} << QList<int>{0}
                                       << QByteArrayList{QByteArray()} << none << QString();
        QTest::newRow("needs-more-data") << QByteArrayList{msg.left(7)} << limit << QList<int>{0} << QList<int>{}
                                         << QByteArrayList{} << none << QString();
        QTest::newRow("header-only-needs-more") << QByteArrayList{header(0, 5)} << limit << QList<int>{0} << QList<int>{}
                                                << QByteArrayList{} << none << QString();
        QTest::newRow("completes-on-second-chunk") << QByteArrayList{msg.left(6), msg.mid(6)} << limit << QList<int>{0, 1}
                                                   << QList<int>{0} << QByteArrayList{hello} << none << QString();
        QTest::newRow("header-split") << QByteArrayList{msg.left(1), msg.mid(1, 2), msg.mid(3)} << limit << QList<int>{0, 0, 1}
                                      << QList<int>{0} << QByteArrayList{hello} << none << QString();
        QByteArrayList single;
        for (char c : msg)
            single.append(QByteArray(1, c));
        QList<int> singleCounts(msg.size(), 0);
        singleCounts.last() = 1;
        QTest::newRow("byte-by-byte") << single << limit << singleCounts << QList<int>{0} << QByteArrayList{hello} << none << QString();
        QTest::newRow("two-frames-one-chunk") << QByteArrayList{msg + header(0, 3) + QByteArray("abc")} << limit << QList<int>{2}
                                              << QList<int>{0, 0} << QByteArrayList{hello, QByteArray("abc")} << none << QString();
        QTest::newRow("frame-and-a-half") << QByteArrayList{msg + msg.left(6), msg.mid(6)} << limit << QList<int>{1, 1}
                                          << QList<int>{0, 0} << QByteArrayList{hello, hello} << none << QString();
        QTest::newRow("ping") << QByteArrayList{header(1, 4) + QByteArray("ping")} << limit << QList<int>{1} << QList<int>{1}
                              << QByteArrayList{QByteArray("ping")} << none << QString();
        QTest::newRow("pong") << QByteArrayList{header(2, 4) + QByteArray("pong")} << limit << QList<int>{1} << QList<int>{2}
                              << QByteArrayList{QByteArray("pong")} << none << QString();
        QTest::newRow("ping-between-messages") << QByteArrayList{msg + header(1, 1) + QByteArray("p") + msg} << limit << QList<int>{3}
                                               << QList<int>{0, 1, 0} << QByteArrayList{hello, QByteArray("p"), hello} << none << QString();
        QTest::newRow("exactly-at-limit") << QByteArrayList{header(0, limit) + QByteArray(int(limit), 'x')} << limit << QList<int>{1}
                                          << QList<int>{0} << QByteArrayList{QByteArray(int(limit), 'x')} << none << QString();

        const int protocolError = int(TransportError::ProtocolError);
        QTest::newRow("reserved-bits") << QByteArrayList{header(0x10, 5) + hello} << limit << QList<int>{0} << QList<int>{}
                                       << QByteArrayList{} << protocolError << QStringLiteral("reserved bits");
        QTest::newRow("bad-type-3") << QByteArrayList{header(3, 5) + hello} << limit << QList<int>{0} << QList<int>{}
                                    << QByteArrayList{} << protocolError << QStringLiteral("frame type 3");
        QTest::newRow("bad-type-7") << QByteArrayList{header(7, 5) + hello} << limit << QList<int>{0} << QList<int>{}
                                    << QByteArrayList{} << protocolError << QStringLiteral("frame type 7");
        QTest::newRow("frame-then-reserved-bits") << QByteArrayList{msg + header(0x20, 1)} << limit << QList<int>{1} << QList<int>{0}
                                                  << QByteArrayList{hello} << protocolError << QStringLiteral("reserved bits");
        QTest::newRow("xbit-with-nonzero-length") << QByteArrayList{header(0x08, 1)} << limit << QList<int>{0} << QList<int>{}
                                                  << QByteArrayList{} << protocolError << QStringLiteral("X bit");
        // Only the 4 header octets arrive: the error must not wait for (or allocate) the payload.
        QTest::newRow("oversized") << QByteArrayList{header(0, limit + 1)} << limit << QList<int>{0} << QList<int>{}
                                   << QByteArrayList{} << int(TransportError::MessageTooLarge)
                                   << QStringLiteral("incoming message of 1025 bytes exceeds the limit of 1024 bytes");
        QTest::newRow("oversized-huge") << QByteArrayList{header(0, 0xFFFFFF)} << limit << QList<int>{0} << QList<int>{}
                                        << QByteArrayList{} << int(TransportError::MessageTooLarge)
                                        << QStringLiteral("of 16777215 bytes exceeds the limit of 1024");
        QTest::newRow("oversized-xbit") << QByteArrayList{header(0x08, 0)} << limit << QList<int>{0} << QList<int>{}
                                        << QByteArrayList{} << int(TransportError::MessageTooLarge)
                                        << QStringLiteral("of 16777216 bytes");
        QTest::newRow("oversized-ping") << QByteArrayList{header(1, limit + 1)} << limit << QList<int>{0} << QList<int>{}
                                        << QByteArrayList{} << int(TransportError::MessageTooLarge) << QStringLiteral("PING");
    }
    void feed()
    {
        QFETCH(QByteArrayList, chunks);
        QFETCH(qint64, limit);
        QFETCH(QList<int>, framesAfterChunk);
        QFETCH(QList<int>, types);
        QFETCH(QByteArrayList, payloads);
        QFETCH(int, error);
        QFETCH(QString, errorText);
        QCOMPARE(framesAfterChunk.size(), chunks.size());

        RawSocketFramer framer(limit);
        QList<Frame> frames;
        RawSocketFramer::FeedResult last;
        for (int i = 0; i < chunks.size(); ++i) {
            last = framer.feed(chunks.at(i));
            QCOMPARE(last.frames.size(), framesAfterChunk.at(i));
            frames += last.frames;
            if (i + 1 < chunks.size())
                QVERIFY(!last.hasError());
        }
        QCOMPARE(frames.size(), types.size());
        for (int i = 0; i < frames.size(); ++i) {
            QCOMPARE(int(frames.at(i).type), types.at(i));
            QCOMPARE(frames.at(i).payload, payloads.at(i));
        }
        QCOMPARE(int(last.error), error);
        if (error == int(TransportError::NoError)) {
            QCOMPARE(last.status, RawSocketFramer::Status::NeedMoreData);
        } else {
            QCOMPARE(last.status, RawSocketFramer::Status::Error);
            QVERIFY2(last.errorText.contains(errorText), qPrintable(last.errorText));
            QCOMPARE(framer.bufferedBytes(), 0); // nothing kept, nothing reserved for the declared payload
            // The error is sticky.
            auto again = framer.feed(QByteArray("more"));
            QVERIFY(again.hasError());
            QVERIFY(again.frames.isEmpty());
        }
    }

    void exactly2pow24WithXBit()
    {
        const qint64 size = qint64(1) << 24;
        QByteArray payload(int(size), 'w');
        payload[0] = 'a';
        payload[int(size) - 1] = 'z';
        RawSocketFramer framer(size);
        const QByteArray head = encodeFrameHeader(FrameType::Message, size);
        QCOMPARE(head, bytes({0x08, 0, 0, 0}));
        QVERIFY(framer.feed(head).frames.isEmpty());
        // Resumable across chunks of a large payload.
        const int chunk = 3 * 1024 * 1024 + 7;
        QList<Frame> frames;
        for (qsizetype off = 0; off < payload.size(); off += chunk) {
            auto r = framer.feed(QByteArrayView(payload).sliced(off, std::min<qsizetype>(chunk, payload.size() - off)));
            QVERIFY(!r.hasError());
            frames += r.frames;
        }
        QCOMPARE(frames.size(), 1);
        QCOMPARE(frames.first().payload.size(), payload.size());
        QVERIFY(frames.first().payload == payload);

        RawSocketFramer smaller(size - 1);
        auto r = smaller.feed(head);
        QVERIFY(r.hasError());
        QCOMPARE(r.error, TransportError::MessageTooLarge);
    }

    void resetClearsError()
    {
        RawSocketFramer framer(100);
        QVERIFY(framer.feed(header(0x10, 1)).hasError());
        framer.reset();
        auto r = framer.feed(QByteArray(header(0, 2) + QByteArray("ok")));
        QVERIFY(!r.hasError());
        QCOMPARE(r.frames.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TstRawSocketFramer)
#include "tst_rawsocketframer.moc"
