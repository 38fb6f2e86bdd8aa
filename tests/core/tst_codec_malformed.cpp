// SPDX-License-Identifier: GPL-3.0-or-later
// The three serializers against hostile input: malformed and truncated messages, JSON non-finite numbers and
// NUL-prefixed strings, and random garbage (robustness); one row per serializer as in tst_codec.

#include "codectestsupport.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wb;
using namespace wb::codec;
using namespace wb::wamp;
using namespace wb::testing::codectests;

class TstCodecMalformed : public QObject
{
    Q_OBJECT
private slots:
    void malformed_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("messagePart"); // empty: don't check
        const auto row = [](SerializerId id, const char *name, const QByteArray &in, const char *code, const char *part = "") {
            QTest::newRow(qPrintable(rowName(id, name))) << int(id) << in << QString::fromLatin1(code) << QString::fromUtf8(part);
        };
        constexpr auto J = SerializerId::Json;
        constexpr auto M = SerializerId::MsgPack;
        constexpr auto C = SerializerId::Cbor;

        for (SerializerId id : kAllIds) {
            const Serializer *s = serializer(id);
            row(id, "empty", QByteArray(), "decode.empty");
            row(id, "too-deep-lists", s->encode(nestedLists(kMaxNestingDepth + 1)), "decode.too_deep");
            row(id, "too-deep-dicts", s->encode(nestedDicts(kMaxNestingDepth + 1)), "decode.too_deep");
            row(id, "max-depth+1", s->encode(nestedLists(maxDepth(id) + 1)), "decode.too_deep");
            row(id, "truncated-wamp-call", s->encode(wampCall()).chopped(1), "decode.truncated");
            row(id, "trailing-value", s->encode(wampCall()) + s->encode(1), "decode.trailing_data");
        }

        row(J, "only-whitespace", " \n\t ", "decode.empty");
        row(J, "truncated-array", "[1,2", "decode.truncated");
        row(J, "truncated-object", "{\"a\":", "decode.truncated");
        row(J, "truncated-string", "\"abc", "decode.truncated");
        row(J, "truncated-literal", "tru", "decode.truncated");
        row(J, "truncated-minus", "-", "decode.truncated");
        row(J, "truncated-fraction", "1.", "decode.truncated");
        row(J, "truncated-exponent", "1e+", "decode.truncated");
        row(J, "truncated-unicode-escape", "\"\\u12", "decode.truncated");
        row(J, "truncated-utf8", "\"\xe6\x97", "decode.truncated");
        row(J, "garbage", "xyz", "decode.syntax", "unexpected character 'x' at offset 0");
        row(J, "garbage-in-array", "[1,@]", "decode.syntax", "unexpected character '@' at offset 3");
        row(J, "missing-comma", "[1 2]", "decode.syntax");
        row(J, "trailing-comma", "[1,]", "decode.syntax");
        row(J, "leading-zero-in-array", "[01]", "decode.syntax");
        row(J, "plus-sign", "+1", "decode.syntax");
        row(J, "leading-dot", ".5", "decode.syntax");
        row(J, "nan-literal", "NaN", "decode.syntax");
        row(J, "single-quotes", "'a'", "decode.syntax");
        row(J, "bad-literal", "nul1", "decode.syntax");
        row(J, "non-string-key", "{1:2}", "decode.syntax");
        row(J, "missing-colon", "{\"a\" 1}", "decode.syntax");
        row(J, "raw-control-char", "\"a\x01\"", "decode.syntax");
        row(J, "invalid-escape", "\"\\x\"", "decode.syntax");
        row(J, "invalid-hex-escape", "\"\\u12g4\"", "decode.syntax");
        row(J, "bom", "\xef\xbb\xbf[]", "decode.syntax");
        row(J, "trailing-garbage", "[1] x", "decode.trailing_data");
        row(J, "trailing-number", "1 2", "decode.trailing_data");
        row(J, "leading-zero", "01", "decode.trailing_data");
        row(J, "two-objects", "{}{}", "decode.trailing_data");
        row(J, "invalid-utf8", "\"\xff\"", "decode.invalid_utf8");
        row(J, "invalid-utf8-continuation", "\"\xc3\x28\"", "decode.invalid_utf8");
        row(J, "overlong-utf8", "\"\xc0\xaf\"", "decode.invalid_utf8");
        row(J, "overlong-utf8-3", "\"\xe0\x80\xaf\"", "decode.invalid_utf8");
        row(J, "utf8-surrogate", "\"\xed\xa0\x80\"", "decode.invalid_utf8");
        row(J, "utf8-above-10ffff", "\"\xf4\x90\x80\x80\"", "decode.invalid_utf8");
        row(J, "invalid-utf8-after-escape", "\"\\n\xff\"", "decode.invalid_utf8");
        row(J, "lone-high-surrogate", "\"\\ud800\"", "decode.invalid_unicode");
        row(J, "lone-low-surrogate", "\"\\udc00\"", "decode.invalid_unicode");
        row(J, "high-surrogate-then-bmp", "\"\\ud800\\u0041\"", "decode.invalid_unicode");
        row(J, "invalid-base64-chars", "\"\\u0000@@@@\"", "decode.invalid_base64");
        row(J, "invalid-base64-length", "\"\\u0000Q\"", "decode.invalid_base64");
        row(J, "invalid-base64-padding", "\"\\u0000QU=I\"", "decode.invalid_base64");
        row(J, "invalid-base64-in-list", "[1,\"\\u0000*\"]", "decode.invalid_base64");
        row(J, "hostile-depth", QByteArray(100000, '['), "decode.too_deep");

        row(M, "truncated-array", hex("9201"), "decode.truncated");
        row(M, "truncated-str", hex("a561"), "decode.truncated");
        row(M, "truncated-double", hex("cb00"), "decode.truncated");
        row(M, "truncated-map", hex("81a161"), "decode.truncated");
        row(M, "truncated-length", hex("da00"), "decode.truncated");
        row(M, "garbage-reserved-c1", hex("c1"), "decode.syntax");
        row(M, "reserved-c1-in-array", hex("9101c1"), "decode.trailing_data"); // array of 1 then garbage
        row(M, "trailing-bytes", hex("0102"), "decode.trailing_data");
        row(M, "invalid-utf8", hex("a1ff"), "decode.invalid_utf8");
        row(M, "overlong-utf8", hex("a2c0af"), "decode.invalid_utf8");
        row(M, "invalid-utf8-key", hex("81a1ff01"), "decode.invalid_utf8");
        row(M, "int-key", hex("810101"), "decode.invalid_key");
        row(M, "bin-key", hex("81c4016101"), "decode.invalid_key");
        row(M, "nil-key-nested", hex("9181c001"), "decode.invalid_key");
        row(M, "hostile-str32", hex("dbffffffff0000000000"), "decode.truncated");
        row(M, "hostile-bin32", hex("c6ffffffff0000000000"), "decode.truncated");
        row(M, "hostile-array32", hex("ddffffffff0000000000"), "decode.truncated", "declares 4294967295 entries");
        row(M, "hostile-map32", hex("dfffffffffa16101a161"), "decode.truncated");
        row(M, "hostile-nested-array32", hex("91ddffffffff00"), "decode.truncated");
        row(M, "fixext1", hex("d40100"), "decode.unsupported_type", "unsupported ext type 1");
        row(M, "timestamp-ext", hex("d6ff00000000"), "decode.unsupported_type", "unsupported ext type -1");
        row(M, "ext8", hex("c7020501ff"), "decode.unsupported_type", "unsupported ext type 5");
        row(M, "ext-in-map", hex("81a161d40700"), "decode.unsupported_type", "unsupported ext type 7");
        row(M, "depth-33", QByteArray(33, '\x91') + hex("01"), "decode.too_deep");
        row(M, "hostile-depth", QByteArray(100000, '\x91'), "decode.too_deep");

        row(C, "truncated-array", hex("8201"), "decode.truncated");
        row(C, "truncated-text", hex("6261"), "decode.truncated");
        row(C, "truncated-double", hex("fb00"), "decode.truncated");
        row(C, "truncated-indefinite", hex("9f01"), "decode.truncated");
        row(C, "garbage-break", hex("ff"), "decode.syntax");
        row(C, "garbage-reserved-info", hex("1c"), "decode.syntax");
        row(C, "unexpected-break", hex("8201ff"), "decode.syntax");
        row(C, "trailing-bytes", hex("0102"), "decode.trailing_data");
        row(C, "trailing-break", hex("01ff"), "decode.trailing_data");
        row(C, "invalid-utf8", hex("62c328"), "decode.invalid_utf8");
        row(C, "utf8-surrogate", hex("63eda080"), "decode.invalid_utf8");
        row(C, "int-key", hex("a10101"), "decode.invalid_key");
        row(C, "bytes-key", hex("a1416101"), "decode.invalid_key");
        row(C, "simple-value-16", hex("f0"), "decode.unsupported_type");
        row(C, "hostile-bytes32", hex("5affffffff0000"), "decode.truncated");
        row(C, "hostile-text64", hex("7bffffffffffffffff00"), "decode.too_large");
        row(C, "hostile-array32", hex("9affffffff00"), "decode.too_large");
        row(C, "hostile-array64", hex("9bffffffffffffffff00"), "decode.too_large");
        row(C, "hostile-map32", hex("baffffffff616101"), "decode.too_large");
        row(C, "hostile-depth", QByteArray(100000, '\x81'), "decode.too_deep");
        row(C, "hostile-indefinite-depth", QByteArray(100000, '\x9f'), "decode.too_deep");
        row(C, "tags-then-eof", QByteArray(1000, '\xc0'), "decode.truncated");
    }
    void malformed()
    {
        QFETCH(int, id);
        QFETCH(QByteArray, input);
        QFETCH(QString, code);
        QFETCH(QString, messagePart);
        const Result<Value> decoded = serializer(SerializerId(id))->decode(input);
        QVERIFY2(!decoded.ok(), qPrintable(decoded.ok() ? decoded->toDebugString() : QString()));
        QCOMPARE(decoded.error().code, code);
        QVERIFY2(decoded.error().message.startsWith(errorPrefix(SerializerId(id))), qPrintable(decoded.error().message));
        if (!messagePart.isEmpty())
            QVERIFY2(decoded.error().message.contains(messagePart), qPrintable(decoded.error().message));
    }

    void jsonNonFiniteBecomesNull()
    {
        const Serializer *json = serializer(SerializerId::Json);
        const Value v = List{std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
        QCOMPARE(json->encode(v), QByteArray("[null,null,null]"));
        // The binary formats carry them as they are.
        for (SerializerId id : {SerializerId::MsgPack, SerializerId::Cbor}) {
            const Result<Value> back = serializer(id)->decode(serializer(id)->encode(v));
            QVERIFY(back.ok());
            QVERIFY(std::isnan(back->listPtr()->at(0).toDouble()));
            QCOMPARE(back->listPtr()->at(1).toDouble(), std::numeric_limits<double>::infinity());
            QCOMPARE(back->listPtr()->at(2).toDouble(), -std::numeric_limits<double>::infinity());
        }
    }

    void jsonLeadingNulStringBecomesBytes()
    {
        // The one lossy case of the WAMP JSON convention: text starting with U+0000 reads back as bytes.
        const Serializer *json = serializer(SerializerId::Json);
        const Result<Value> back = json->decode(json->encode(Value(QString::fromUtf8("\0QUI=", 5))));
        QVERIFY(back.ok());
        QCOMPARE(*back, Value::bytes("AB"));
    }

    void truncatedPrefixesFail_data()
    {
        QTest::addColumn<int>("id");
        for (SerializerId id : kAllIds)
            addRow(id, "all");
    }
    void truncatedPrefixesFail()
    {
        QFETCH(int, id);
        const Serializer *s = serializer(SerializerId(id));
        for (const Value &v : {wampCall(), mixed(), nestedDicts(10)}) {
            const QByteArray full = s->encode(v);
            QVERIFY(s->decode(full).ok());
            for (qsizetype n = 0; n < full.size(); ++n) {
                const Result<Value> r = s->decode(QByteArrayView(full.constData(), n));
                QVERIFY2(!r.ok(), qPrintable(QStringLiteral("prefix of %1 bytes decoded").arg(n)));
                QVERIFY(r.error().code.startsWith(QLatin1String("decode.")));
            }
        }
    }

    // Bounded fuzzing: random bytes and mutated valid encodings must never crash or hang. Whatever
    // decodes must survive a re-encode/decode round trip unchanged.
    void robustness_data()
    {
        QTest::addColumn<int>("id");
        for (SerializerId id : kAllIds)
            addRow(id, "random");
    }
    void robustness()
    {
        QFETCH(int, id);
        const Serializer *s = serializer(SerializerId(id));
        QRandomGenerator rng(20240531u + quint32(id));
        // Bytes that start structures in one of the formats, so random input gets past the first byte.
        static const char interesting[] = "[]{}\",:0123456789-.eE\\u tfn\x91\x81\xa1\xdc\xdd\xde\xdf\xdb\xc4\xcb\xd4"
                                          "\x82\xa2\x9f\xbf\xff\x61\x41\xc0\xf9\xfb\x1b\x3b";
        int decodedOk = 0;
        const auto check = [&](const QByteArray &input) {
            const Result<Value> r = s->decode(input);
            if (!r.ok()) {
                QVERIFY(r.error().code.startsWith(QLatin1String("decode.")));
                QVERIFY(!r.error().message.isEmpty());
                return;
            }
            ++decodedOk;
            if (hasNonFinite(*r))
                return;
            const Result<Value> again = s->decode(s->encode(*r));
            QVERIFY2(again.ok(), qPrintable(again.errorString()));
            QCOMPARE(*again, *r);
        };
        for (int i = 0; i < 20000; ++i) {
            const int len = rng.bounded(64);
            QByteArray input(len, Qt::Uninitialized);
            const bool structured = rng.bounded(2) == 0;
            for (int k = 0; k < len; ++k)
                input[k] = structured ? interesting[rng.bounded(int(sizeof interesting - 1))] : char(rng.bounded(256));
            check(input);
            if (QTest::currentTestFailed())
                return;
        }
        const QList<Value> seeds = {wampCall(), mixed(), nestedLists(20), nestedDicts(20)};
        for (const Value &seed : seeds) {
            const QByteArray valid = s->encode(seed);
            for (int i = 0; i < 2000; ++i) {
                QByteArray input = valid;
                if (rng.bounded(2) == 0)
                    input.truncate(rng.bounded(int(valid.size()) + 1));
                const int flips = rng.bounded(1, 4);
                for (int f = 0; f < flips && !input.isEmpty(); ++f)
                    input[rng.bounded(int(input.size()))] = char(rng.bounded(256));
                check(input);
                if (QTest::currentTestFailed())
                    return;
            }
        }
        qDebug("%s: %d of %d inputs decoded", qPrintable(s->name()), decodedOk, 20000 + 2000 * int(seeds.size()));
    }
};

QTEST_APPLESS_MAIN(TstCodecMalformed)
#include "tst_codec_malformed.moc"
