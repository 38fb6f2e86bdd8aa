// SPDX-License-Identifier: GPL-3.0-or-later
// RouterHost: the built-in router on its own thread. Asynchronous start/stop/reconfigure, the snapshot and the
// session signals as seen from the host's thread, the router log handed over in bounded batches, shutdown with
// GOODBYE wamp.close.system_shutdown and a joined thread, and the router-enforced call timeout while the router
// runs on another thread (also for a Router built on one thread and moved to another, the case that broke when
// the dealer's timer host was unparented). RouterLog itself: sequence numbers, the ring bound, dropped counts.

#include "fakes/routerfixture.h"
#include "router/router.h"
#include "router/routerhost.h"
#include "router/routerlog.h"
#include "session/session.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <memory>

using namespace wb;
using router::RouterHost;
using router::RouterSnapshot;
using testing::RouterFixture;

namespace {

router::RouterConfig wsConfig()
{
    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))},
                     router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
    return cfg;
}

QUrl urlWithScheme(const QList<QUrl> &urls, const QString &scheme)
{
    for (const QUrl &u : urls) {
        if (u.scheme() == scheme)
            return u;
    }
    return {};
}

/// Starts \a host with \a cfg and waits for started(); the listening URLs (empty on failure).
QList<QUrl> startAndWait(RouterHost &host, const router::RouterConfig &cfg)
{
    QSignalSpy started(&host, &RouterHost::started);
    host.start(cfg);
    if (!started.wait(10000))
        return {};
    return started.first().at(1).value<QList<QUrl>>();
}

/// A session joined through the fixture's helper, against a router the fixture does not own.
std::unique_ptr<session::Session> joinAt(const QUrl &ws)
{
    RouterFixture f;
    f.ws = ws;
    return f.join();
}

/// A CALL that is never answered, with a router-enforced timeout: the caller's error URI.
QString neverAnsweredCall(const QUrl &ws)
{
    auto callee = joinAt(ws);
    auto caller = joinAt(ws);
    if (!callee || !caller)
        return QStringLiteral("no session");
    bool registered = false;
    callee->registerProcedure(QStringLiteral("com.example.never"), {}, [](const session::InvocationData &) { /* silence */ },
                              [&](quint64) { registered = true; }, {});
    if (!QTest::qWaitFor([&] { return registered; }, 5000))
        return QStringLiteral("not registered");
    QString error;
    bool done = false;
    caller->call(QStringLiteral("com.example.never"), {}, {}, {{QStringLiteral("timeout"), 200}},
                 [&](const session::CallResult &) { done = true; error = QStringLiteral("result"); },
                 [&](const session::WampError &e) { done = true; error = e.uri; });
    if (!QTest::qWaitFor([&] { return done; }, 5000))
        return QStringLiteral("no answer within 5 s");
    return error;
}

} // namespace

class TstRouterHost : public QObject
{
    Q_OBJECT

private slots:
    void routerLogRing()
    {
        router::RouterLog log(3);
        QCOMPARE(log.lastSeq(), quint64(0));
        QVERIFY(log.since(0).lines.isEmpty());
        QCOMPARE(log.append(QStringLiteral("a")), quint64(1));
        QCOMPARE(log.append(QStringLiteral("b")), quint64(2));
        router::RouterLogBatch b = log.since(0);
        QCOMPARE(b.lines.size(), 2);
        QCOMPARE(b.lines.at(0).text, QStringLiteral("a"));
        QCOMPARE(b.dropped, quint64(0));
        QCOMPARE(log.since(1).lines.size(), 1);
        QCOMPARE(log.since(2).lines.size(), 0);
        for (const char *t : {"c", "d", "e"})
            log.append(QString::fromLatin1(t));
        QCOMPARE(log.size(), 3); // bounded
        b = log.since(0);
        QCOMPARE(b.lines.size(), 3);
        QCOMPARE(b.lines.first().seq, quint64(3));
        QCOMPARE(b.lines.last().text, QStringLiteral("e"));
        QCOMPARE(b.dropped, quint64(2)); // a and b fell out before this reader came
        b = log.since(3, 1);             // at most one line: the newest is kept
        QCOMPARE(b.lines.size(), 1);
        QCOMPARE(b.lines.first().text, QStringLiteral("e"));
        QCOMPARE(b.dropped, quint64(1));
    }

    void startAndStopAreAsynchronous()
    {
        RouterHost host;
        QVERIFY(host.routerThread() != QThread::currentThread());
        QVERIFY(host.isThreadRunning());
        QSignalSpy started(&host, &RouterHost::started);
        QSignalSpy snapshots(&host, &RouterHost::snapshotChanged);
        host.start(wsConfig());
        QCOMPARE(host.snapshot().state, RouterSnapshot::State::Starting); // nothing ran yet: only the request
        QVERIFY(!host.isListening());
        QVERIFY(started.wait(10000));
        const Status st = started.first().at(0).value<Status>();
        QVERIFY2(st.ok(), qPrintable(st.errorString()));
        const QList<QUrl> urls = started.first().at(1).value<QList<QUrl>>();
        QCOMPARE(urls.size(), 2);
        QVERIFY(urls.first().port() > 0);
        const RouterSnapshot s = host.snapshot();
        QCOMPARE(s.state, RouterSnapshot::State::Running);
        QVERIFY(s.listening);
        QCOMPARE(s.urls, urls);
        QCOMPARE(s.config.realms.size(), wsConfig().realms.size());
        QVERIFY(!snapshots.isEmpty());

        QSignalSpy stopped(&host, &RouterHost::stopped);
        host.stop();
        QVERIFY(stopped.wait(10000));
        QCOMPARE(host.snapshot().state, RouterSnapshot::State::Stopped);
        QVERIFY(!host.isListening());
        QVERIFY(host.snapshot().urls.isEmpty());
        // the port is free again: a new start succeeds
        QVERIFY(!startAndWait(host, wsConfig()).isEmpty());
    }

    void startFailureIsReported()
    {
        QTcpServer busy;
        QVERIFY(busy.listen(QHostAddress::LocalHost));
        router::RouterConfig cfg = router::RouterConfig::defaults();
        cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:%1").arg(busy.serverPort()))}};
        RouterHost host;
        QSignalSpy started(&host, &RouterHost::started);
        host.start(cfg);
        QVERIFY(started.wait(10000));
        QVERIFY(!started.first().at(0).value<Status>().ok());
        QVERIFY(started.first().at(1).value<QList<QUrl>>().isEmpty());
        QTRY_COMPARE(host.snapshot().state, RouterSnapshot::State::Stopped);
        QVERIFY2(host.snapshot().lastError.contains(QString::number(busy.serverPort())), qPrintable(host.snapshot().lastError));
        QVERIFY(!host.isListening());
    }

    void snapshotFollowsSessionsAndStats()
    {
        RouterHost host;
        const QList<QUrl> urls = startAndWait(host, wsConfig());
        QVERIFY(!urls.isEmpty());
        QSignalSpy joined(&host, &RouterHost::sessionJoined);
        QSignalSpy left(&host, &RouterHost::sessionLeft);
        bool onHostThread = true;
        connect(&host, &RouterHost::sessionJoined, this, [&] { onHostThread &= QThread::currentThread() == thread(); });
        auto s = joinAt(urlWithScheme(urls, QStringLiteral("ws")));
        QVERIFY(s);
        QTRY_COMPARE(joined.size(), 1);
        QVERIFY(onHostThread);
        QCOMPARE(joined.first().at(0).value<router::SessionInfo>().id, s->sessionId());
        QCOMPARE(joined.first().at(0).value<router::SessionInfo>().serializer, QStringLiteral("json"));
        QTRY_COMPARE(host.snapshot().sessionCount, 1);

        // an acknowledged publication shows in the stats (refreshed on the router thread's timer)
        bool acked = false;
        s->publish(QStringLiteral("com.example.t"), {1}, {}, {{QStringLiteral("acknowledge"), true}}, [&](quint64) { acked = true; });
        QTRY_VERIFY(acked);
        QTRY_COMPARE(host.snapshot().stats.publications, quint64(1));

        QSignalSpy sessionLeft(s.get(), &session::Session::left);
        s->leave();
        QTRY_COMPARE(left.size(), 1);
        QCOMPARE(left.first().at(0).value<router::SessionInfo>().id, joined.first().at(0).value<router::SessionInfo>().id);
        QTRY_COMPARE(host.snapshot().sessionCount, 0);
    }

    void reconfigureRestartsWithTheNewConfig()
    {
        RouterHost host;
        const QList<QUrl> first = startAndWait(host, wsConfig());
        QVERIFY(!first.isEmpty());
        auto s = joinAt(urlWithScheme(first, QStringLiteral("ws")));
        QVERIFY(s);
        QSignalSpy sessionLeft(s.get(), &session::Session::left);
        QSignalSpy stopped(&host, &RouterHost::stopped);
        QSignalSpy started(&host, &RouterHost::started);

        router::RouterConfig next = router::RouterConfig::defaults();
        next.listeners = {router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
        next.realms.first().name = QStringLiteral("realm2");
        host.reconfigure(next);
        QTRY_COMPARE(sessionLeft.size(), 1); // the old router said GOODBYE
        QCOMPARE(sessionLeft.first().at(0).toString(), wamp::uris::closeSystemShutdown);
        QTRY_COMPARE(started.size(), 1);
        QCOMPARE(stopped.size(), 1); // stopped before the new one started
        QVERIFY(started.first().at(0).value<Status>().ok());
        const QList<QUrl> urls = started.first().at(1).value<QList<QUrl>>();
        QCOMPARE(urls.size(), 1);
        QCOMPARE(urls.first().scheme(), QStringLiteral("rs"));
        QTRY_COMPARE(host.snapshot().config.realms.first().name, QStringLiteral("realm2"));
        QCOMPARE(host.snapshot().urls, urls);
    }

    void logIsBatched()
    {
        RouterHost host;
        const QList<QUrl> urls = startAndWait(host, wsConfig());
        const QUrl rs = urlWithScheme(urls, QStringLiteral("rs"));
        QVERIFY(rs.isValid());
        QSignalSpy batches(&host, &RouterHost::logBatch);
        QElapsedTimer clock;
        clock.start();
        // A flood of rejected connections: each is one router log line (bad RawSocket magic).
        constexpr int kConnections = 200;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < kConnections; ++i) {
            auto sock = std::make_unique<QTcpSocket>();
            sock->connectToHost(QHostAddress::LocalHost, quint16(rs.port()));
            sock->write("GET / HTTP/1.1\r\n\r\n");
            sockets.push_back(std::move(sock));
        }
        quint64 lines = 0;
        auto count = [&] {
            lines = 0;
            for (const QList<QVariant> &b : std::as_const(batches)) {
                const auto batch = b.at(0).value<router::RouterLogBatch>();
                lines += quint64(batch.lines.size()) + batch.dropped;
            }
            return lines;
        };
        QTRY_VERIFY_WITH_TIMEOUT(count() >= kConnections, 20000);
        const qint64 elapsed = clock.elapsed();
        // Every line arrived, in batches: never more than one per batch interval (plus the first), whatever the load.
        const qsizetype bound = qsizetype(elapsed / (RouterHost::kBatchIntervalMs * 9 / 10)) + 2;
        QVERIFY2(batches.size() <= bound, qPrintable(QStringLiteral("%1 batches in %2 ms for %3 lines").arg(batches.size()).arg(elapsed).arg(lines)));
        QVERIFY2(batches.size() < kConnections, qPrintable(QString::number(batches.size())));
        const auto first = batches.first().at(0).value<router::RouterLogBatch>();
        QVERIFY(!first.lines.isEmpty());
        QVERIFY2(first.lines.first().text.contains(QStringLiteral("rejected")), qPrintable(first.lines.first().text));
        // sequence numbers increase across batches
        quint64 last = 0;
        for (const QList<QVariant> &b : std::as_const(batches)) {
            for (const router::RouterLogLine &l : b.at(0).value<router::RouterLogBatch>().lines) {
                QVERIFY(l.seq > last);
                last = l.seq;
            }
        }
    }

    void shutdownSaysGoodbyeAndJoins()
    {
        RouterHost host;
        const QList<QUrl> urls = startAndWait(host, wsConfig());
        auto ws = joinAt(urlWithScheme(urls, QStringLiteral("ws")));
        RouterFixture rsJoin;
        rsJoin.rs = urlWithScheme(urls, QStringLiteral("rs"));
        auto rs = rsJoin.join({}, true);
        QVERIFY(ws && rs);
        QSignalSpy wsLeft(ws.get(), &session::Session::left);
        QSignalSpy rsLeft(rs.get(), &session::Session::left);
        QVERIFY(host.shutdown());
        QVERIFY(!host.isThreadRunning());
        QVERIFY(!host.isListening());
        // both clients answered GOODBYE while shutdown() waited: they already know why
        QCOMPARE(wsLeft.size(), 1);
        QCOMPARE(wsLeft.first().at(0).toString(), wamp::uris::closeSystemShutdown);
        QCOMPARE(rsLeft.size(), 1);
        QCOMPARE(rsLeft.first().at(0).toString(), wamp::uris::closeSystemShutdown);
        host.start(wsConfig()); // ignored after shutdown
        QVERIFY(!host.isThreadRunning());
    }

    void destructorShutsDown()
    {
        auto host = std::make_unique<RouterHost>();
        const QList<QUrl> urls = startAndWait(*host, wsConfig());
        auto s = joinAt(urlWithScheme(urls, QStringLiteral("ws")));
        QVERIFY(s);
        QSignalSpy left(s.get(), &session::Session::left);
        host.reset();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().at(0).toString(), wamp::uris::closeSystemShutdown);
    }

    void callTimeoutOnRouterThread_data()
    {
        QTest::addColumn<bool>("moved");
        QTest::newRow("built on the RouterHost thread") << false;
        QTest::newRow("built here, moved to a thread") << true;
    }

    void callTimeoutOnRouterThread()
    {
        // The dealer's call-timeout timers must run on the router's thread. With an unparented timer host, a Router
        // built on this thread and moved keeps its timers here: startTimer() from the router thread fails and the
        // caller never hears back.
        QFETCH(bool, moved);
        if (!moved) {
            RouterHost host;
            const QList<QUrl> urls = startAndWait(host, wsConfig());
            QVERIFY(!urls.isEmpty());
            QCOMPARE(neverAnsweredCall(urlWithScheme(urls, QStringLiteral("ws"))), wamp::uris::timeout);
            return;
        }
        QThread thread;
        thread.start();
        auto *r = new router::Router(wsConfig());
        r->moveToThread(&thread);
        QList<QUrl> urls;
        QMetaObject::invokeMethod(r, [&] {
            if (r->start().ok())
                urls = r->listeningUrls();
        }, Qt::BlockingQueuedConnection);
        QVERIFY(!urls.isEmpty());
        const QString error = neverAnsweredCall(urlWithScheme(urls, QStringLiteral("ws")));
        QMetaObject::invokeMethod(r, [r] { delete r; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        QCOMPARE(error, wamp::uris::timeout);
    }
};

QTEST_GUILESS_MAIN(TstRouterHost)
#include "tst_routerhost.moc"
