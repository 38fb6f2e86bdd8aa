// SPDX-License-Identifier: GPL-3.0-or-later
// The wampscope-cli Advanced Profile flags (README "Command line"): call --progress/--timeout/--wait/--cancel-after/
// --cancel-mode/--disclose-me/--chunk, register --invoke/--progress/--delay/--disclose-caller, publish black/white
// lists and disclosure, against `wampscope-cli router` on free loopback ports.

#include "fakes/testutil.h"
#include "fakes/cliprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using wb::test::CliProcess;

namespace {
using wb::testing::s;

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &l : out.trimmed().split('\n'))
        if (!l.isEmpty())
            lines.append(QJsonDocument::fromJson(l).object());
    return lines;
}

QByteArray compact(const QJsonValue &v)
{
    return v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                        : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
}
} // namespace

class TstCliRpc : public QObject
{
    Q_OBJECT
private:
    wb::test::CliRouter m_router;
    QString m_ws, m_rs;

    QStringList client(QStringList more, bool rawsocket = false)
    {
        return more + QStringList{s("--url"), rawsocket ? m_rs : m_ws};
    }

    static int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr)
    {
        return CliProcess::run(args, out, err);
    }

    /// Start `register` with \a flags and wait until it is registered.
    bool startCallee(CliProcess &callee, const QString &procedure, const QStringList &flags, bool rawsocket = false)
    {
        callee.start(client(QStringList{s("register"), procedure} + flags, rawsocket));
        return callee.waitErr("registered ");
    }

private slots:
    void initTestCase()
    {
        CliProcess::setProgram(QStringLiteral(WAMPSCOPE_CLI_PATH));
        QVERIFY(QFile::exists(CliProcess::program()));
        QVERIFY2(wb::test::startCliRouter(m_router), m_router.process.err.constData());
        m_ws = m_router.ws;
        m_rs = m_router.rs;
        QVERIFY(!m_ws.isEmpty() && !m_rs.isEmpty());
    }

    void cleanupTestCase()
    {
        m_router.process.terminate();
        QCOMPARE(m_router.process.finish(), 0);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("call-bad-timeout") << QStringList{s("call"), s("a.b"), s("--timeout"), s("soon")};
        QTest::newRow("call-negative-timeout") << QStringList{s("call"), s("a.b"), s("--timeout"), s("-1")};
        QTest::newRow("call-bad-wait") << QStringList{s("call"), s("a.b"), s("--wait"), s("0")};
        QTest::newRow("call-bad-cancel-mode") << QStringList{s("call"), s("a.b"), s("--cancel-mode"), s("abort")};
        QTest::newRow("call-bad-cancel-after") << QStringList{s("call"), s("a.b"), s("--cancel-after"), s("x")};
        QTest::newRow("register-bad-invoke") << QStringList{s("register"), s("a.b"), s("--echo"), s("--invoke"), s("fastest")};
        QTest::newRow("register-bad-progress") << QStringList{s("register"), s("a.b"), s("--echo"), s("--progress"), s("0")};
        QTest::newRow("register-bad-delay") << QStringList{s("register"), s("a.b"), s("--echo"), s("--delay"), s("-5")};
        QTest::newRow("publish-bad-eligible") << QStringList{s("publish"), s("a.b"), s("--eligible"), s("1,x")};
        QTest::newRow("publish-id-zero") << QStringList{s("publish"), s("a.b"), s("--exclude"), s("0")};
        QTest::newRow("publish-exclude-me-twice") << QStringList{s("publish"), s("a.b"), s("--exclude-me"), s("--no-exclude-me")};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QByteArray err;
        QCOMPARE(run(client(args), nullptr, &err), 2);
        QVERIFY(!err.isEmpty());
    }

    void progressiveResults()
    {
        CliProcess callee;
        QVERIFY2(startCallee(callee, s("com.cli.stream"), {s("--echo"), s("--progress"), s("3"), s("--count"), s("2")}),
                 callee.err.constData());
        QByteArray out;
        QCOMPARE(run(client({s("call"), s("com.cli.stream"), s("x"), s("--progress")}, true), &out), 0);
        const QList<QJsonObject> lines = jsonLines(out);
        QCOMPARE(lines.size(), 4);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(lines.at(i).value(s("progress")), QJsonValue(true));
            QCOMPARE(compact(lines.at(i).value(s("args"))), QByteArray("[") + QByteArray::number(i) + "]");
        }
        QVERIFY(!lines.at(3).contains(s("progress")));
        QCOMPARE(compact(lines.at(3).value(s("args"))), QByteArray("[\"x\"]"));
        // Without --progress the callee is not asked for progressive results: only the final line.
        QCOMPARE(run(client({s("call"), s("com.cli.stream"), s("y")}), &out), 0);
        QCOMPARE(jsonLines(out).size(), 1);
        QCOMPARE(callee.finish(), 0);
    }

    void routerTimeout()
    {
        CliProcess callee;
        QVERIFY2(startCallee(callee, s("com.cli.slow"), {s("--result"), s("1"), s("--delay"), s("10000"), s("--count"), s("1")}),
                 callee.err.constData());
        QByteArray out, err;
        QCOMPARE(run(client({s("call"), s("com.cli.slow"), s("--timeout"), s("300")}), &out, &err), 4);
        QCOMPARE(jsonLines(out).last().value(s("error")), QJsonValue(s("wamp.error.timeout")));
        // The router interrupted the callee (killnowait): the register command reports it and is done.
        QVERIFY2(callee.waitOut("\"interrupt\""), callee.out.constData());
        QCOMPARE(callee.finish(), 0);
        QCOMPARE(jsonLines(callee.out).last().value(s("mode")), QJsonValue(s("killnowait")));
    }

    void clientWait()
    {
        CliProcess callee;
        QVERIFY2(startCallee(callee, s("com.cli.slow2"), {s("--result"), s("1"), s("--delay"), s("10000")}), callee.err.constData());
        QByteArray err;
        QCOMPARE(run(client({s("call"), s("com.cli.slow2"), s("--wait"), s("0.3")}), nullptr, &err), 4);
        QVERIFY(err.contains("timeout"));
    }

    void cancel_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("interrupted");
        QTest::newRow("kill") << s("kill") << true;
        QTest::newRow("killnowait") << s("killnowait") << true;
        QTest::newRow("skip") << s("skip") << false;
    }
    void cancel()
    {
        QFETCH(QString, mode);
        QFETCH(bool, interrupted);
        const QString proc = s("com.cli.cancel_") + mode;
        CliProcess callee;
        QVERIFY2(startCallee(callee, proc, {s("--result"), s("1"), s("--delay"), s("10000")}, true), callee.err.constData());
        QByteArray out;
        QCOMPARE(run(client({s("call"), proc, s("--cancel-after"), s("200"), s("--cancel-mode"), mode}), &out), 1);
        QCOMPARE(jsonLines(out).last().value(s("error")), QJsonValue(s("wamp.error.canceled")));
        if (interrupted) {
            QVERIFY2(callee.waitOut("\"interrupt\""), callee.out.constData());
            QCOMPARE(jsonLines(callee.out).last().value(s("mode")), QJsonValue(mode));
        } else {
            // Barrier: a second call to the same callee. The router forwards to a session in order, so an
            // INTERRUPT for the first call would be printed before the line of the second INVOCATION.
            CliProcess second;
            second.start(client({s("call"), proc, s("barrier"), s("--wait"), s("20")}));
            QVERIFY2(callee.waitOut("\"barrier\""), callee.out.constData());
            const qsizetype secondLine = callee.out.lastIndexOf('\n', callee.out.indexOf("\"barrier\"")) + 1;
            QVERIFY(secondLine > 0); // the first invocation's line is before it
            QVERIFY2(!callee.out.left(secondLine).contains("\"interrupt\""), callee.out.constData());
        }
        if (mode == u"kill") // the callee's own ERROR answered the caller
            QCOMPARE(jsonLines(out).last().value(s("args")).toArray().first(), QJsonValue(s("interrupted")));
    }

    void sharedRegistration()
    {
        CliProcess a, b;
        QVERIFY2(startCallee(a, s("com.cli.shared"), {s("--result"), s("\"a\""), s("--invoke"), s("roundrobin")}), a.err.constData());
        QVERIFY2(startCallee(b, s("com.cli.shared"), {s("--result"), s("\"b\""), s("--invoke"), s("roundrobin")}, true),
                 b.err.constData());
        QByteArray out;
        QStringList got;
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(run(client({s("call"), s("com.cli.shared")}), &out), 0);
            got.append(jsonLines(out).last().value(s("args")).toArray().first().toString());
        }
        QCOMPARE(got, (QStringList{s("a"), s("b"), s("a"), s("b")}));
        // A different policy is refused (exit 1 with the URI).
        QByteArray err;
        QCOMPARE(run(client({s("register"), s("com.cli.shared"), s("--echo"), s("--invoke"), s("first")}), &out, &err), 1);
        QCOMPARE(jsonLines(out).last().value(s("error")),
                 QJsonValue(s("wamp.error.procedure_exists_with_different_invocation_policy")));
    }

    void disclosure()
    {
        CliProcess callee;
        QVERIFY2(startCallee(callee, s("com.cli.who"), {s("--echo"), s("--count"), s("2")}), callee.err.constData());
        QCOMPARE(run(client({s("call"), s("com.cli.who")})), 0);
        QCOMPARE(run(client({s("call"), s("com.cli.who"), s("--disclose-me")}, true)), 0);
        QCOMPARE(callee.finish(), 0);
        const QList<QJsonObject> lines = jsonLines(callee.out);
        QCOMPARE(lines.size(), 2);
        QVERIFY(!lines.at(0).value(s("details")).toObject().contains(s("caller")));
        const QJsonObject d = lines.at(1).value(s("details")).toObject();
        QVERIFY(d.value(s("caller")).toDouble() >= 1);
        QCOMPARE(d.value(s("caller_authrole")), QJsonValue(s("anonymous")));
    }

    void progressiveInvocation()
    {
        CliProcess callee;
        QVERIFY2(startCallee(callee, s("com.cli.upload"), {s("--echo"), s("--count"), s("1")}), callee.err.constData());
        QByteArray out;
        QCOMPARE(run(client({s("call"), s("com.cli.upload"), s("first"), s("--chunk"), s("[2]"), s("--chunk"), s("\"last\"")}), &out), 0);
        QCOMPARE(compact(jsonLines(out).last().value(s("args"))), QByteArray("[\"last\"]")); // echo of the final chunk
        QCOMPARE(callee.finish(), 0);
        const QList<QJsonObject> lines = jsonLines(callee.out);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(compact(lines.at(0).value(s("args"))), QByteArray("[\"first\"]"));
        QCOMPARE(lines.at(0).value(s("details")).toObject().value(s("progress")), QJsonValue(true));
        QCOMPARE(compact(lines.at(1).value(s("args"))), QByteArray("[2]"));
        QVERIFY(!lines.at(2).value(s("details")).toObject().contains(s("progress")));
        QCOMPARE(lines.at(0).value(s("request")), lines.at(2).value(s("request"))); // one invocation
    }

    void publishFilters()
    {
        CliProcess sub;
        sub.start(client({s("subscribe"), s("com.cli.filtered"), s("--count"), s("1"), s("--timeout"), s("20")}));
        QVERIFY2(sub.waitErr("subscribed "), sub.err.constData());
        const QList<QStringList> hidden = {
            {s("--exclude-authrole"), s("anonymous")},
            {s("--eligible"), s("1,2")},
            {s("--eligible-authrole"), s("admin")},
            {s("--eligible-authid"), s("nobody"), s("--exclude-authid"), s("x")},
        };
        for (const QStringList &flags : hidden)
            QCOMPARE(run(client(QStringList{s("publish"), s("com.cli.filtered"), s("hidden")} + flags)), 0);
        QByteArray out;
        QCOMPARE(run(client({s("publish"), s("com.cli.filtered"), s("shown"), s("--eligible-authrole"), s("anonymous"),
                             s("--disclose-me"), s("--acknowledge"), s("--exclude"), s("3,4")},
                            true),
                     &out),
                 0);
        QVERIFY(jsonLines(out).last().value(s("publication")).toDouble() >= 1);
        QCOMPARE(sub.finish(), 0);
        const QList<QJsonObject> lines = jsonLines(sub.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(compact(lines.at(0).value(s("args"))), QByteArray("[\"shown\"]"));
        QVERIFY(lines.at(0).value(s("details")).toObject().value(s("publisher")).toDouble() >= 1);
    }
};

QTEST_GUILESS_MAIN(TstCliRpc)
#include "tst_cli_rpc.moc"
