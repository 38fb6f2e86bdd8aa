// SPDX-License-Identifier: GPL-3.0-or-later
// Accept burst: 1000 sessions connect at once to the built-in router over a mix of ws://, rs://, wss:// and rss://
// (and every serializer). None may be dropped (QWebSocketServer's pending-connection limit, listen backlogs,
// TLS handshakes in flight): every one is WELCOMEd and then served (it calls a procedure and gets its own result,
// and receives an event published to all).
#include "fakes/testcert.h"
#include "fakes/testutil.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "session/session.h"
#include "transport/transport.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <sys/resource.h>

using namespace wb;
using namespace wb::wamp;

using wb::testing::s;

namespace {

constexpr int kSessions = 1000;

} // namespace

class TstRouterBurst : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cert;
    QString m_key;

private slots:
    void initTestCase()
    {
        QLoggingCategory::setFilterRules(s("wb.*.debug=false\nwb.*.info=false")); // 2000 connections
        // Each in-process session holds two sockets (client and router side), plus TLS and timer overhead.
        rlimit rl{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &rl) == 0);
        const rlim_t wanted = 4 * kSessions + 256;
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < wanted) {
            rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= wanted) ? wanted : rl.rlim_max;
            QVERIFY(setrlimit(RLIMIT_NOFILE, &rl) == 0);
        }
        QVERIFY2(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= wanted,
                 qPrintable(s("open file limit %1 is below the %2 this test needs (ulimit -n)").arg(rl.rlim_cur).arg(wanted)));

        QVERIFY(m_dir.isValid());
        const auto cert = wb::testing::TestCertificate::generate(m_dir.path());
        QVERIFY2(cert.ok(), qPrintable(cert.error));
        m_cert = cert.certificateFile;
        m_key = cert.keyFile;
    }

    void burst()
    {
        router::RouterConfig config = router::RouterConfig::defaults();
        config.listeners.clear();
        for (const char *url : {"ws://127.0.0.1:0/ws", "rs://127.0.0.1:0", "wss://127.0.0.1:0/ws", "rss://127.0.0.1:0"}) {
            router::ListenerConfig lc;
            lc.url = QUrl(s(url));
            if (transport::isSecureUrl(lc.url)) {
                lc.tls.certificateFile = m_cert;
                lc.tls.keyFile = m_key;
            }
            config.listeners.append(lc);
        }
        router::Router r(config);
        QStringList rejected;
        connect(&r, &router::Router::logMessage, this, [&](const QString &text) { rejected.append(text); });
        const Status st = r.start();
        QVERIFY2(st.ok(), qPrintable(st.errorString()));
        const QList<QUrl> urls = r.listeningUrls();
        QCOMPARE(urls.size(), 4);

        session::SessionOptions so;
        so.realm = s("realm1");
        auto options = [&](int i) {
            transport::ConnectOptions c;
            c.url = urls.at(i % urls.size());
            c.serializer = codec::SerializerId(int(codec::SerializerId::Json) + (i / urls.size()) % 3);
            c.tls.caFile = m_cert;
            c.connectTimeoutMs = 120000;
            return c;
        };

        // The callee and the publisher join first.
        session::Session callee;
        bool calleeJoined = false;
        connect(&callee, &session::Session::joined, this, [&] { calleeJoined = true; });
        callee.open(options(0), so);
        QTRY_VERIFY_WITH_TIMEOUT(calleeJoined, 15000);
        bool registered = false;
        callee.registerProcedure(
            s("com.example.burst.whoami"), {},
            [&](const session::InvocationData &inv) { callee.yield(inv.requestId, inv.args); },
            [&](quint64) { registered = true; }, [](const session::WampError &e) { qWarning() << e.toString(); });
        QTRY_VERIFY(registered);

        // The burst: every session starts connecting in the same event loop turn.
        std::vector<std::unique_ptr<session::Session>> sessions;
        sessions.reserve(kSessions);
        int joinedCount = 0;
        QStringList failures;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < kSessions; ++i) {
            auto sess = std::make_unique<session::Session>();
            connect(sess.get(), &session::Session::joined, this, [&] { ++joinedCount; });
            connect(sess.get(), &session::Session::left, this, [&failures, i](const QString &reason, const QString &message) {
                failures.append(s("session %1: %2 %3").arg(i).arg(reason, message));
            });
            sess->open(options(i), so);
            sessions.push_back(std::move(sess));
        }
        QTRY_VERIFY2_WITH_TIMEOUT(joinedCount == kSessions || !failures.isEmpty(),
                                  qPrintable(s("%1 of %2 joined").arg(joinedCount).arg(kSessions)), 180000);
        const qint64 joinMs = timer.elapsed();
        QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 10).join(u'\n')));
        QCOMPARE(joinedCount, kSessions);
        QCOMPARE(r.sessionCount(), kSessions + 1);
        int perKind[4] = {0, 0, 0, 0};
        const QStringList kinds = {s("websocket"), s("rawsocket-tcp"), s("websocket-tls"), s("rawsocket-tls")};
        for (const router::SessionInfo &info : r.sessions())
            if (const auto k = kinds.indexOf(info.transport); k >= 0)
                ++perKind[k];
        qInfo().noquote() << s("%1 sessions joined in %2 ms (ws %3, rs %4, wss %5, rss %6 incl. the callee)")
                                 .arg(kSessions).arg(joinMs).arg(perKind[0]).arg(perKind[1]).arg(perKind[2]).arg(perKind[3]);
        QCOMPARE(perKind[0] + perKind[1] + perKind[2] + perKind[3], kSessions + 1);
        for (int k = 0; k < 4; ++k)
            QVERIFY(perKind[k] >= kSessions / 4);

        // Served: each session subscribes, calls and gets its own answer, then receives one event.
        int subscribed = 0;
        int events = 0;
        for (auto &sess : sessions) {
            sess->subscribe(s("com.example.burst.news"), {}, [&](const session::EventData &) { ++events; },
                            [&](quint64) { ++subscribed; }, [](const session::WampError &e) { qWarning() << e.toString(); });
        }
        int answered = 0;
        int wrong = 0;
        for (int i = 0; i < kSessions; ++i) {
            sessions[size_t(i)]->call(s("com.example.burst.whoami"), List{i}, {}, {},
                                      [&answered, &wrong, i](const session::CallResult &res) {
                                          ++answered;
                                          if (!(res.args.size() == 1 && res.args.first() == Value(i)))
                                              ++wrong;
                                      },
                                      [&failures, i](const session::WampError &e) { failures.append(s("call %1: %2").arg(i).arg(e.toString())); });
        }
        QTRY_VERIFY2_WITH_TIMEOUT(answered == kSessions || !failures.isEmpty(), qPrintable(s("%1 answered").arg(answered)), 120000);
        QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 10).join(u'\n')));
        QCOMPARE(wrong, 0);
        QTRY_COMPARE_WITH_TIMEOUT(subscribed, kSessions, 60000);
        callee.publish(s("com.example.burst.news"), List{s("hello")}, Dict{}, Dict{});
        QTRY_COMPARE_WITH_TIMEOUT(events, kSessions, 60000);
        qInfo().noquote() << s("served: %1 calls answered, %2 events received, %3 ms since the burst")
                                 .arg(answered).arg(events).arg(timer.elapsed());
        QVERIFY2(rejected.filter(s("rejected")).isEmpty(), qPrintable(rejected.filter(s("rejected")).mid(0, 5).join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TstRouterBurst)
#include "tst_router_burst.moc"
