// SPDX-License-Identifier: GPL-3.0-or-later
// The wampscope-cli contract (README "Command line"): output formats, exit codes, router log lines.

#include "fakes/testutil.h"
#include "fakes/cliprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

using wb::test::CliProcess;

namespace {
using wb::testing::s;

QJsonObject lastJsonLine(const QByteArray &out)
{
    const QList<QByteArray> lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}
} // namespace

class TstCli : public QObject
{
    Q_OBJECT
private:
    wb::test::CliRouter m_router;
    QString m_ws, m_rs;

    QStringList client(const QString &url, QStringList more) { return more + QStringList{s("--url"), url}; }

    static int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr)
    {
        return CliProcess::run(args, out, err);
    }

private slots:
    void initTestCase()
    {
        CliProcess::setProgram(QStringLiteral(WAMPSCOPE_CLI_PATH));
        QVERIFY(QFile::exists(CliProcess::program()));
        QVERIFY2(wb::test::startCliRouter(m_router), m_router.process.err.constData());
        m_ws = m_router.ws;
        m_rs = m_router.rs;
        QVERIFY(m_ws.contains(s(":")) && !m_ws.endsWith(s(":0/ws")));
        QVERIFY(!m_rs.isEmpty());
    }

    void cleanupTestCase()
    {
        m_router.process.terminate(); // SIGTERM: graceful stop
        QCOMPARE(m_router.process.finish(), 0);
    }

    void help()
    {
        QByteArray out;
        QCOMPARE(run({s("--help")}, &out), 0);
        QVERIFY(out.contains("subscribe"));
        QCOMPARE(run({s("call"), s("--help")}, &out), 0);
        QVERIFY(out.contains("--kwarg"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no-command") << QStringList{};
        QTest::newRow("unknown-command") << QStringList{s("frobnicate")};
        QTest::newRow("call-without-procedure") << QStringList{s("call")};
        QTest::newRow("bad-serializer") << QStringList{s("call"), s("a.b"), s("--serializer"), s("xml")};
        QTest::newRow("bad-uri") << QStringList{s("call"), s("a..b")};
        QTest::newRow("register-no-mode") << QStringList{s("register"), s("a.b")};
        QTest::newRow("register-bad-result") << QStringList{s("register"), s("a.b"), s("--result"), s("{oops")};
        QTest::newRow("bad-kwarg") << QStringList{s("call"), s("a.b"), s("--kwarg"), s("novalue")};
        QTest::newRow("meta-without-what") << QStringList{s("meta")};
        QTest::newRow("meta-bogus") << QStringList{s("meta"), s("bogus")};
        QTest::newRow("sessions-extra-arg") << QStringList{s("sessions"), s("extra")};
        QTest::newRow("kill-not-a-number") << QStringList{s("kill"), s("abc")};
        QTest::newRow("kill-zero") << QStringList{s("kill"), s("0")};
        QTest::newRow("kill-bad-reason") << QStringList{s("kill"), s("12"), s("--reason"), s("not a uri")};
        QTest::newRow("ticket-without-secret") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("ticket"), s("--authid"), s("x")};
        QTest::newRow("cryptosign-without-key") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("cryptosign")};
        QTest::newRow("cryptosign-short-key") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("cryptosign"), s("--private-key"), s("abcd")};
        QTest::newRow("cryptosign-missing-key-file") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("cryptosign"), s("--private-key-file"), s("/nonexistent/k")};
        QTest::newRow("private-key-without-cryptosign") << QStringList{s("call"), s("a.b"), s("--private-key"), QString(64, u'a')};
        QTest::newRow("scram-without-authid") << QStringList{s("call"), s("a.b"), s("--authmethod"), s("scram"), s("--secret"), s("x")};
        QTest::newRow("keygen-extra-arg") << QStringList{s("keygen"), s("now")};
        QTest::newRow("scram-hash-bad-kdf") << QStringList{s("scram-hash"), s("pw"), s("--kdf"), s("md5")};
        QTest::newRow("scram-hash-memory-pbkdf2") << QStringList{s("scram-hash"), s("pw"), s("--kdf"), s("pbkdf2"), s("--memory"), s("64")};
        QTest::newRow("scram-hash-bad-salt") << QStringList{s("scram-hash"), s("pw"), s("--salt"), s("c2FsdA==")};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QByteArray err;
        QCOMPARE(run(args, nullptr, &err), 2);
        QVERIFY(!err.isEmpty());
    }

    void connectionRefused()
    {
        QTcpSocket probe; // find a closed port: bind nothing, use port 1 on loopback
        QByteArray err;
        QCOMPARE(run({s("call"), s("a.b"), s("--url"), s("ws://127.0.0.1:1/ws"), s("--connect-timeout"), s("3")}, nullptr, &err), 3);
        QVERIFY(!err.isEmpty());
    }

    void registerAndCall_data()
    {
        QTest::addColumn<QString>("serializer");
        QTest::addColumn<bool>("rawsocket");
        QTest::newRow("ws-json") << s("json") << false;
        QTest::newRow("ws-msgpack") << s("msgpack") << false;
        QTest::newRow("rs-cbor") << s("cbor") << true;
    }
    void registerAndCall()
    {
        QFETCH(QString, serializer);
        QFETCH(bool, rawsocket);
        const QString url = rawsocket ? m_rs : m_ws;
        const QString proc = s("com.example.echo_") + serializer;
        CliProcess callee;
        callee.start(client(url, {s("register"), proc, s("--echo"), s("--count"), s("1"), s("--serializer"), serializer}));
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        QByteArray out;
        QCOMPARE(run(client(url, {s("call"), proc, s("1"), s("two"), s("{\"x\":3}"), s("9007199254740992"), s("--kwarg"),
                                  s("k=v"), s("--kwarg"), s("n=[1,2]"), s("--serializer"), serializer}),
                     &out),
                 0);
        const QJsonObject r = lastJsonLine(out);
        QCOMPARE(QJsonDocument(r).toJson(QJsonDocument::Compact),
                 QByteArray("{\"args\":[1,\"two\",{\"x\":3},9007199254740992],\"kwargs\":{\"k\":\"v\",\"n\":[1,2]}}"));
        QCOMPARE(callee.finish(), 0);
        QVERIFY(callee.out.contains("\"procedure\":\"com.example.echo_"));
    }

    void staticResultAndError()
    {
        CliProcess res;
        res.start(client(m_ws, {s("register"), s("com.example.answer"), s("--result"), s("[42]"), s("--result-kwargs"),
                                s("{\"unit\":\"none\"}"), s("--count"), s("1")}));
        QVERIFY(res.waitErr("registered "));
        QByteArray out;
        QCOMPARE(run(client(m_ws, {s("call"), s("com.example.answer")}), &out), 0);
        QCOMPARE(out.trimmed(), QByteArray("{\"args\":[42],\"kwargs\":{\"unit\":\"none\"}}"));
        QCOMPARE(res.finish(), 0);

        CliProcess fail;
        fail.start(client(m_ws, {s("register"), s("com.example.fails"), s("--error"), s("com.example.error.nope"),
                                 s("--error-args"), s("[\"bad\"]"), s("--error-kwargs"), s("{\"code\":7}"), s("--count"), s("1")}));
        QVERIFY(fail.waitErr("registered "));
        QByteArray err;
        QCOMPARE(run(client(m_ws, {s("call"), s("com.example.fails")}), &out, &err), 1);
        const QJsonObject e = lastJsonLine(out);
        QCOMPARE(e.value(s("error")).toString(), s("com.example.error.nope"));
        QCOMPARE(QJsonDocument(e).toJson(QJsonDocument::Compact),
                 QByteArray("{\"args\":[\"bad\"],\"error\":\"com.example.error.nope\",\"kwargs\":{\"code\":7}}"));
        QVERIFY(err.contains("com.example.error.nope"));
        QCOMPARE(fail.finish(), 0);
    }

    void noSuchProcedure()
    {
        QByteArray out;
        QCOMPARE(run(client(m_rs, {s("call"), s("com.example.nobody")}), &out), 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_procedure"));
    }

    void subscribeAndPublish()
    {
        CliProcess sub;
        sub.start(client(m_ws, {s("subscribe"), s("com.example.news"), s("--count"), s("2"), s("--timeout"), s("20")}));
        QVERIFY2(sub.waitErr("subscribed "), sub.err.constData());
        QByteArray out;
        QCOMPARE(run(client(m_rs, {s("publish"), s("com.example.news"), s("hello"), s("--kwarg"), s("n=1")})), 0);
        QCOMPARE(run(client(m_ws, {s("publish"), s("com.example.news"), s("[1,2]"), s("--acknowledge"), s("--serializer"),
                                   s("cbor")}),
                     &out),
                 0);
        QVERIFY(lastJsonLine(out).value(s("publication")).toDouble() > 0);
        QCOMPARE(sub.finish(), 0);
        const QList<QByteArray> lines = sub.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object().value(s("args")).toArray().at(0).toString(), s("hello"));
        QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object().value(s("kwargs")).toObject().value(s("n")).toInt(), 1);
        QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(s("args")).toArray().at(0).toArray().size(), 2);
    }

    void subscribeTimeout()
    {
        QByteArray err;
        QCOMPARE(run(client(m_ws, {s("subscribe"), s("com.example.silence"), s("--count"), s("1"), s("--timeout"), s("0.5")}),
                     nullptr, &err),
                 4);
        QVERIFY(err.contains("timeout"));
    }

    void patternSubscription()
    {
        CliProcess sub;
        sub.start(client(m_ws, {s("subscribe"), s("com.example.sensors"), s("--match"), s("prefix"), s("--count"), s("1")}));
        QVERIFY(sub.waitErr("subscribed "));
        QCOMPARE(run(client(m_ws, {s("publish"), s("com.example.sensors.t1"), s("21.5")})), 0);
        QCOMPARE(sub.finish(), 0);
        const QJsonObject ev = lastJsonLine(sub.out);
        QCOMPARE(ev.value(s("details")).toObject().value(s("topic")).toString(), s("com.example.sensors.t1"));
        QCOMPARE(ev.value(s("args")).toArray().at(0).toDouble(), 21.5);
    }

    void metaCommands()
    {
        CliProcess callee;
        callee.start(client(m_ws, {s("register"), s("com.example.metacli"), s("--echo"), s("--count"), s("1")}));
        QVERIFY2(callee.waitErr("registered "), callee.err.constData());
        CliProcess sub;
        sub.start(client(m_rs, {s("subscribe"), s("com.example.metacli.topic"), s("--timeout"), s("30")}));
        QVERIFY2(sub.waitErr("subscribed "), sub.err.constData());

        QByteArray out;
        QCOMPARE(run(client(m_ws, {s("meta"), s("registrations")}), &out), 0);
        QJsonObject reg;
        for (const QByteArray &line : out.trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(s("uri")).toString() == u"com.example.metacli")
                reg = o;
        }
        QCOMPARE(reg.value(s("match")).toString(), s("exact"));
        QCOMPARE(reg.value(s("invoke")).toString(), s("single"));
        QCOMPARE(reg.value(s("callees")).toArray().size(), 1);

        QCOMPARE(run(client(m_rs, {s("meta"), s("subscriptions"), s("--serializer"), s("msgpack")}), &out), 0);
        QJsonObject subscription;
        for (const QByteArray &line : out.trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(s("uri")).toString() == u"com.example.metacli.topic")
                subscription = o;
        }
        QCOMPARE(subscription.value(s("subscribers")).toArray().size(), 1);
        const qint64 subscriberId = subscription.value(s("subscribers")).toArray().at(0).toInteger();
        QVERIFY(subscriberId > 0);

        // `sessions`: the two above plus the listing session itself, one JSON line each
        QCOMPARE(run(client(m_ws, {s("sessions")}), &out), 0);
        QList<qint64> ids;
        for (const QByteArray &line : out.trimmed().split('\n'))
            ids.append(QJsonDocument::fromJson(line).object().value(s("session")).toInteger());
        QVERIFY2(ids.size() >= 3 && ids.contains(subscriberId), out.constData());

        // kill the subscriber: it exits 3 with the reason; a second kill is a WAMP error
        const QString id = QString::number(subscriberId);
        QCOMPARE(run(client(m_ws, {s("kill"), id, s("--reason"), s("com.example.kicked"), s("--message"), s("bye")}), &out), 0);
        QCOMPARE(lastJsonLine(out).value(s("killed")).toInteger(), subscriberId);
        QCOMPARE(sub.finish(), 3);
        QVERIFY2(sub.err.contains("com.example.kicked"), sub.err.constData());
        QCOMPARE(run(client(m_ws, {s("kill"), id}), &out), 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_session"));

        QCOMPARE(run(client(m_ws, {s("call"), s("com.example.metacli")})), 0); // lets the callee finish
        QCOMPARE(callee.finish(), 0);
    }

    void routerLogsJoinAndLeave()
    {
        QVERIFY(m_router.process.waitOut("joined realm realm1"));
        QVERIFY(m_router.process.waitOut(" left realm realm1"));
    }

    void routerSurvivesGarbage()
    {
        // Raw garbage at the RawSocket port and at the WebSocket port, then a normal call still works.
        const QUrl rs(m_rs), ws(m_ws);
        for (const QUrl &u : {rs, ws}) {
            QTcpSocket sock;
            sock.connectToHost(u.host(), quint16(u.port()));
            QVERIFY(sock.waitForConnected(5000));
            sock.write(QByteArray(64, '\xAB'));
            sock.flush();
            QTRY_COMPARE_WITH_TIMEOUT(sock.state(), QAbstractSocket::UnconnectedState, 15000);
        }
        QByteArray out;
        QCOMPARE(run(client(m_rs, {s("call"), s("com.example.nobody")}), &out), 1);
        QCOMPARE(lastJsonLine(out).value(s("error")).toString(), s("wamp.error.no_such_procedure"));
    }
};

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
