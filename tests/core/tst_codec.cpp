// SPDX-License-Identifier: GPL-3.0-or-later
// Contract tests for the three serializers: every data function produces one row per serializer
// ("json/...", "msgpack/...", "cbor/...") unless a row is about one wire format only. Round trips, wire vectors and
// inputs only peers produce; malformed input: tst_codec_malformed.

#include "codectestsupport.h"

#include <QTest>

using namespace wb;
using namespace wb::codec;
using namespace wb::wamp;
using namespace wb::testing::codectests;

class TstCodec : public QObject
{
    Q_OBJECT
private slots:
    void factory()
    {
        for (SerializerId id : kAllIds) {
            const Serializer *s = serializer(id);
            QVERIFY(s);
            QCOMPARE(s->id(), id);
            QCOMPARE(serializerByName(s->name()), s);
            QCOMPARE(serializerBySubprotocol(s->subprotocol()), s);
            QCOMPARE(serializerName(id), s->name());
            QCOMPARE(s->isBinary(), id != SerializerId::Json);
        }
        QCOMPARE(serializer(SerializerId::Json)->subprotocol(), QStringLiteral("wamp.2.json"));
        QCOMPARE(serializer(SerializerId::MsgPack)->subprotocol(), QStringLiteral("wamp.2.msgpack"));
        QCOMPARE(serializer(SerializerId::Cbor)->subprotocol(), QStringLiteral("wamp.2.cbor"));
        QCOMPARE(serializerByName(QStringLiteral("cbor"))->id(), SerializerId::Cbor);
        QVERIFY(!serializer(SerializerId::Invalid));
        QVERIFY(!serializerByName(QStringLiteral("ubjson")));
        QVERIFY(!serializerBySubprotocol(QStringLiteral("wamp.2.json.batched")));
        QVERIFY(serializerName(SerializerId::Invalid).isEmpty());
        QCOMPARE(supportedSubprotocols(),
                 QStringList({QStringLiteral("wamp.2.json"), QStringLiteral("wamp.2.cbor"), QStringLiteral("wamp.2.msgpack")}));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<Value>("value");
        const QList<std::pair<const char *, Value>> samples = {
            {"null", Value()},
            {"true", Value(true)},
            {"false", Value(false)},
            {"zero", Value(0)},
            {"minus-one", Value(-1)},
            {"2^53", Value(qint64(1) << 53)},
            {"-2^53", Value(-(qint64(1) << 53))},
            {"int64-max", Value(kInt64Max)},
            {"int64-min", Value(kInt64Min)},
            {"uint64-max", Value(kUInt64Max)},
            {"int64-max+1", Value(quint64(kInt64Max) + 1)},
            {"1.5", Value(1.5)},
            {"1.0-stays-double", Value(1.0)},
            {"-0.5", Value(-0.5)},
            {"1e300", Value(1e300)},
            {"-0.0", Value(-0.0)},
            {"denormal", Value(std::numeric_limits<double>::denorm_min())},
            {"double-max", Value(std::numeric_limits<double>::max())},
            {"0.1", Value(0.1)},
            {"cjk", Value(str("日本語のテキスト"))},
            {"emoji", Value(str("grin \xf0\x9f\x98\x80 and \xf0\x9f\x8f\xb3\xef\xb8\x8f"))},
            {"nul-in-middle", Value(QString::fromUtf8("a\0b", 3))},
            {"control-chars", Value(QString::fromUtf8("\"quote\" \\ \n\r\t\b\f\x01\x1f\x7f"))},
            {"empty-string", Value(QString())},
            {"empty-bytes", Value::bytes(QByteArray())},
            {"bytes-00-ff", Value::bytes(QByteArray("\x00\xff\x00\x80", 4))},
            {"bytes-long", Value::bytes(QByteArray(1000, '\xab'))},
            {"empty-list", Value(List{})},
            {"empty-dict", Value(Dict{})},
            {"dict-unicode-key", Value(Dict{{str("ключ"), 1}, {QString(), 2}})},
            {"nested", mixed()},
            {"wamp-call", wampCall()},
            {"long-list", Value(List(300, Value(1.25)))},
            {"nested-lists-max", Value()}, // filled per serializer below
            {"nested-dicts-max", Value()},
        };
        for (SerializerId id : kAllIds) {
            for (const auto &[name, value] : samples) {
                Value v = value;
                if (qstrcmp(name, "nested-lists-max") == 0)
                    v = nestedLists(maxDepth(id));
                else if (qstrcmp(name, "nested-dicts-max") == 0)
                    v = nestedDicts(maxDepth(id));
                QTest::newRow(qPrintable(rowName(id, name))) << int(id) << v;
            }
        }
    }
    void roundTrip()
    {
        QFETCH(int, id);
        QFETCH(Value, value);
        const Serializer *s = serializer(SerializerId(id));
        const QByteArray encoded = s->encode(value);
        if (!s->isBinary())
            QVERIFY(QString::fromUtf8(encoded).toUtf8() == encoded); // JSON output is valid UTF-8
        const Result<Value> decoded = s->decode(encoded);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(decoded->kind(), value.kind());
        QCOMPARE(*decoded, value);
        if (value.isDouble()) // Value's == says -0.0 == 0.0; the sign must survive too
            QCOMPARE(std::signbit(decoded->toDouble()), std::signbit(value.toDouble()));
    }

    void wire_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<Value>("value");
        QTest::addColumn<QByteArray>("wire");
        const auto json = [](const char *name, const Value &v, const char *text) {
            QTest::newRow(qPrintable(rowName(SerializerId::Json, name))) << int(SerializerId::Json) << v << QByteArray(text);
        };
        const auto msgpack = [](const char *name, const Value &v, const char *h) {
            QTest::newRow(qPrintable(rowName(SerializerId::MsgPack, name))) << int(SerializerId::MsgPack) << v << hex(h);
        };
        const auto cbor = [](const char *name, const Value &v, const char *h) {
            QTest::newRow(qPrintable(rowName(SerializerId::Cbor, name))) << int(SerializerId::Cbor) << v << hex(h);
        };
        json("hello", List{1, QStringLiteral("realm1"), Dict{}}, "[1,\"realm1\",{}]");
        json("bytes-vector", Value::bytes(hex("10e3ff9053075c526f5fc06d4fe37cdb")), "\"\\u0000EOP/kFMHXFJvX8BtT+N82w==\"");
        json("bytes-empty", Value::bytes(QByteArray()), "\"\\u0000\"");
        json("wamp-call", wampCall(), "[36,5512315355,4429313566,{},[\"Hello\"],{\"k\":1}]");
        json("literals", List{Value(), true, false}, "[null,true,false]");
        json("double-1.0", 1.0, "1.0");
        json("double-1.5", 1.5, "1.5");
        json("double-minus-0.5", -0.5, "-0.5");
        json("double-minus-zero", -0.0, "-0.0");
        json("double-1e300", 1e300, "1e+300");
        json("double-0.1", 0.1, "0.1");
        json("double-2^53", 9007199254740992.0, "9007199254740992.0");
        json("int64-min", kInt64Min, "-9223372036854775808");
        json("uint64-max", kUInt64Max, "18446744073709551615");
        json("escapes", str("a\"b\\c/\n\t\x01\x1f"), "\"a\\\"b\\\\c/\\n\\t\\u0001\\u001f\"");
        json("nul-in-middle", QString::fromUtf8("a\0b", 3), "\"a\\u0000b\"");
        json("non-ascii-kept", str("é€😀"), "\"é€😀\"");
        json("dict-sorted", Dict{{QStringLiteral("b"), 1}, {QStringLiteral("a"), 2}}, "{\"a\":2,\"b\":1}");
        json("key-with-leading-nul-stays-string", Dict{{QString::fromUtf8("\0k", 2), 1}}, "{\"\\u0000k\":1}");

        msgpack("list", List{1, QStringLiteral("a")}, "9201a161");
        msgpack("2^53", qint64(1) << 53, "cf0020000000000000");
        msgpack("null-true-false", List{Value(), true, false}, "93c0c3c2");
        msgpack("fixint-127", 127, "7f");
        msgpack("uint8", 128, "cc80");
        msgpack("uint16", 256, "cd0100");
        msgpack("uint32", 65536, "ce00010000");
        msgpack("minus-one", -1, "ff");
        msgpack("minus-32", -32, "e0");
        msgpack("int8", -33, "d0df");
        msgpack("int16", -129, "d1ff7f");
        msgpack("int32", -32769, "d2ffff7fff");
        msgpack("int64-min", kInt64Min, "d38000000000000000");
        msgpack("uint64-max", kUInt64Max, "cfffffffffffffffff");
        msgpack("double-1.5", 1.5, "cb3ff8000000000000");
        msgpack("double-1.0", 1.0, "cb3ff0000000000000");
        msgpack("bytes", Value::bytes(hex("00ff")), "c40200ff");
        msgpack("empty-string", QString(), "a0");
        msgpack("str8", QString(40, QLatin1Char('x')), "d928" "78787878787878787878787878787878787878787878787878787878787878787878787878787878");
        msgpack("dict", Dict{{QStringLiteral("k"), 1}}, "81a16b01");
        msgpack("empty-containers", List{List{}, Dict{}}, "929080");

        cbor("list", List{1, QStringLiteral("a")}, "820161" "61");
        cbor("2^53", qint64(1) << 53, "1b0020000000000000");
        cbor("null-true-false", List{Value(), true, false}, "83f6f5f4");
        cbor("uint8", 24, "1818");
        cbor("minus-one", -1, "20");
        cbor("int64-min", kInt64Min, "3b7fffffffffffffff");
        cbor("uint64-max", kUInt64Max, "1bffffffffffffffff");
        cbor("double-1.5", 1.5, "fb3ff8000000000000");
        cbor("bytes", Value::bytes(hex("00ff")), "4200ff");
        cbor("text-utf8", str("é"), "62c3a9");
        cbor("dict", Dict{{QStringLiteral("k"), 1}}, "a1616b01");
        cbor("empty-containers", List{List{}, Dict{}}, "8280a0");
    }
    void wire()
    {
        QFETCH(int, id);
        QFETCH(Value, value);
        QFETCH(QByteArray, wire);
        const Serializer *s = serializer(SerializerId(id));
        const QByteArray encoded = s->encode(value);
        if (s->isBinary())
            QCOMPARE(encoded.toHex(), wire.toHex());
        else
            QCOMPARE(encoded, wire);
        const Result<Value> decoded = s->decode(wire);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(*decoded, value);
    }

    // Inputs our encoders never produce but peers may send.
    void decodeOnly_data()
    {
        QTest::addColumn<int>("id");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<Value>("expected");
        const auto row = [](SerializerId id, const char *name, const QByteArray &in, const Value &v) {
            QTest::newRow(qPrintable(rowName(id, name))) << int(id) << in << v;
        };
        constexpr auto J = SerializerId::Json;
        constexpr auto M = SerializerId::MsgPack;
        constexpr auto C = SerializerId::Cbor;
        const double two64 = 18446744073709551616.0;

        row(J, "whitespace", " \t\r\n[ 1 , { \"a\" : [ ] } ]\n ", List{1, Dict{{QStringLiteral("a"), List{}}}});
        row(J, "exponent-is-double", "1E2", 100.0);
        row(J, "exponent-signs", "[1e+2,1e-2,-2.5E0]", List{100.0, 0.01, -2.5});
        row(J, "minus-zero-integer", "-0", 0);
        row(J, "uint64-max+1-is-double", "18446744073709551616", two64);
        row(J, "int64-min-1-is-double", "-9223372036854775809", -9223372036854775808.0);
        row(J, "huge-exponent-is-inf", "[1e999,-1e999]",
            List{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
        row(J, "underflow-is-zero", "[1e-999,0.000001e-400]", List{0.0, 0.0});
        row(J, "many-digits", "3.141592653589793238462643383279", 3.141592653589793);
        row(J, "escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\"", str("\"\\/\b\f\n\r\tAé€"));
        row(J, "surrogate-pair", "\"\\ud83d\\ude00x\"", str("😀x"));
        row(J, "raw-utf8", "\"日本\"", str("日本"));
        row(J, "duplicate-keys-last-wins", "{\"a\":1,\"a\":2}", Dict{{QStringLiteral("a"), 2}});
        row(J, "base64-without-padding", "\"\\u0000QUI\"", Value::bytes("AB"));
        row(J, "uppercase-escape", "\"\\u00E9\\u0000\"", Value(QString::fromUtf8("\xc3\xa9\0", 3)));

        row(M, "uint8-small", hex("cc05"), 5);
        row(M, "uint16-small", hex("cd0005"), 5);
        row(M, "uint32-small", hex("ce00000005"), 5);
        row(M, "uint64-small", hex("cf0000000000000005"), 5);
        row(M, "int8-positive", hex("d005"), 5);
        row(M, "int16-negative", hex("d1fffb"), -5);
        row(M, "int32-negative", hex("d2fffffffb"), -5);
        row(M, "int64-positive", hex("d30000000000000005"), 5);
        row(M, "float32", hex("ca3fc00000"), 1.5);
        row(M, "str16", hex("da000161"), QStringLiteral("a"));
        row(M, "str32", hex("db0000000161"), QStringLiteral("a"));
        row(M, "bin8-empty", hex("c400"), Value::bytes(QByteArray()));
        row(M, "bin16", hex("c5000100"), Value::bytes(QByteArray(1, '\0')));
        row(M, "bin32", hex("c600000001ff"), Value::bytes(QByteArray(1, '\xff')));
        row(M, "array16", hex("dc000101"), List{1});
        row(M, "array32", hex("dd0000000101"), List{1});
        row(M, "map16", hex("de0001a16101"), Dict{{QStringLiteral("a"), 1}});
        row(M, "map32", hex("df00000001a16101"), Dict{{QStringLiteral("a"), 1}});
        row(M, "duplicate-keys-last-wins", hex("82a16101a16102"), Dict{{QStringLiteral("a"), 2}});

        row(C, "float16", hex("f93e00"), 1.5);
        row(C, "float32", hex("fa3fc00000"), 1.5);
        row(C, "undefined-is-null", hex("f7"), Value());
        row(C, "small-uint-forms", hex("840518051900051a00000005"), List{5, 5, 5, 5});
        row(C, "uint64-small", hex("1b0000000000000005"), 5);
        row(C, "neg-int64-min", hex("3b7fffffffffffffff"), kInt64Min);
        row(C, "neg-below-int64-min-is-double", hex("3b8000000000000000"), -9223372036854775809.0);
        row(C, "neg-2^64-is-double", hex("3bffffffffffffffff"), -two64);
        row(C, "tag-epoch-ignored", hex("c11a514b67b0"), 1363896240);
        row(C, "tag-on-string-ignored", hex("d82062c3a9"), str("é"));
        row(C, "nested-tags-ignored", hex("c0c1c2c34100"), Value::bytes(QByteArray(1, '\0')));
        row(C, "tagged-key", hex("a1c06161" "01"), Dict{{QStringLiteral("a"), 1}});
        row(C, "indefinite-array", hex("9f0102ff"), List{1, 2});
        row(C, "indefinite-map", hex("bf616101ff"), Dict{{QStringLiteral("a"), 1}});
        row(C, "indefinite-text", hex("7f61616162ff"), QStringLiteral("ab"));
        row(C, "indefinite-bytes", hex("5f41004100ff"), Value::bytes(QByteArray(2, '\0')));
        row(C, "nested-indefinite", hex("9f9fff bfff ff"), List{List{}, Dict{}});
        row(C, "many-tags", QByteArray(10000, '\xc0') + hex("01"), 1);
        row(C, "duplicate-keys-last-wins", hex("a2616101616102"), Dict{{QStringLiteral("a"), 2}});
    }
    void decodeOnly()
    {
        QFETCH(int, id);
        QFETCH(QByteArray, input);
        QFETCH(Value, expected);
        const Result<Value> decoded = serializer(SerializerId(id))->decode(input);
        QVERIFY2(decoded.ok(), qPrintable(decoded.errorString()));
        QCOMPARE(decoded->kind(), expected.kind());
        QCOMPARE(*decoded, expected);
    }
};

QTEST_APPLESS_MAIN(TstCodec)
#include "tst_codec.moc"
