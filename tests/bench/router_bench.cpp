// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-bench: throughput of the built-in router, for the README. The router runs in its own thread;
// the client sessions (wb::session::Session, the same client the CLI uses) share the main thread, so the
// figures are a lower bound for the router on one core.
//
//   wampscope-bench [--subscribers N] [--events N] [--payload BYTES] [--callers N] [--calls N] [--window N]
//
// Fan-out: N subscribers (half WebSocket+JSON, half RawSocket+MessagePack) on one topic; a publisher sends
// events in acknowledged batches; measured until every subscriber has every event.
// RPC: one callee, N callers each keeping WINDOW calls outstanding.
// Memory: the process's VmRSS/VmHWM (router + clients) from /proc/self/status.

#include "router/router.h"
#include "session/session.h"
#include "transport/transport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSemaphore>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

using namespace wb;
using wb::codec::SerializerId;
using wb::session::Session;

namespace {

QString procStatus(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return QString::fromLatin1(line.mid(qsizetype(qstrlen(key))).trimmed());
    }
    return QStringLiteral("?");
}

void out(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

/// Run the event loop until \a done() or \a timeoutMs; false on timeout.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("wb.*=false")); // figures only
    QCoreApplication::setApplicationName(QStringLiteral("wampscope-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Throughput of the built-in WAMP router (prints figures)."));
    parser.addHelpOption();
    const QCommandLineOption subsOpt(QStringLiteral("subscribers"), QStringLiteral("Subscriber sessions (default 20)."), QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption eventsOpt(QStringLiteral("events"), QStringLiteral("Events published (default 20000)."), QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption payloadOpt(QStringLiteral("payload"), QStringLiteral("Event payload bytes (default 100)."), QStringLiteral("BYTES"), QStringLiteral("100"));
    const QCommandLineOption callersOpt(QStringLiteral("callers"), QStringLiteral("Caller sessions (default 4)."), QStringLiteral("N"), QStringLiteral("4"));
    const QCommandLineOption callsOpt(QStringLiteral("calls"), QStringLiteral("Calls in all (default 40000)."), QStringLiteral("N"), QStringLiteral("40000"));
    const QCommandLineOption windowOpt(QStringLiteral("window"), QStringLiteral("Outstanding calls per caller (default 50)."), QStringLiteral("N"), QStringLiteral("50"));
    parser.addOptions({subsOpt, eventsOpt, payloadOpt, callersOpt, callsOpt, windowOpt});
    parser.process(app);
    const int nSubs = qMax(1, parser.value(subsOpt).toInt());
    const int nEvents = qMax(1, parser.value(eventsOpt).toInt());
    const int payloadBytes = qMax(0, parser.value(payloadOpt).toInt());
    const int nCallers = qMax(1, parser.value(callersOpt).toInt());
    const int nCalls = qMax(1, parser.value(callsOpt).toInt());
    const int window = qMax(1, parser.value(windowOpt).toInt());

    // ---- the router, in its own thread
    router::RouterConfig config;
    config.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))},
                        router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
    config.realms = {router::RealmConfig{QStringLiteral("realm1")}};
    QThread routerThread;
    routerThread.start();
    auto *router = new router::Router(config);
    router->moveToThread(&routerThread);
    QList<QUrl> urls;
    QString startError;
    QMetaObject::invokeMethod(router, [&] {
        const Status st = router->start();
        if (!st.ok())
            startError = st.errorString();
        urls = router->listeningUrls();
    }, Qt::BlockingQueuedConnection);
    if (!startError.isEmpty()) {
        out(QStringLiteral("router failed to start: %1").arg(startError));
        return 3;
    }
    auto urlFor = [&](const QString &scheme) {
        for (const QUrl &u : urls) {
            if (u.scheme() == scheme)
                return u;
        }
        return QUrl();
    };
    const QString rssBaseline = procStatus("VmRSS:");

    std::vector<std::unique_ptr<Session>> sessions;
    auto openSession = [&](int index) -> Session * {
        auto s = std::make_unique<Session>();
        transport::ConnectOptions co;
        const bool rs = index % 2 == 1;
        co.url = urlFor(rs ? QStringLiteral("rs") : QStringLiteral("ws"));
        co.serializer = rs ? SerializerId::MsgPack : SerializerId::Json;
        s->open(co, session::SessionOptions{});
        Session *raw = s.get();
        sessions.push_back(std::move(s));
        return raw;
    };
    auto allJoined = [&] {
        for (const auto &s : sessions) {
            if (!s->isJoined())
                return false;
        }
        return true;
    };

    out(QStringLiteral("wampscope-bench: router thread + %1 subscribers, %2 events of %3 bytes; %4 callers x %5 outstanding, %6 calls")
            .arg(nSubs).arg(nEvents).arg(payloadBytes).arg(nCallers).arg(window).arg(nCalls));

    // ---- fan-out
    std::vector<qint64> received(size_t(nSubs), 0);
    int subscribed = 0;
    for (int i = 0; i < nSubs; ++i) {
        Session *s = openSession(i);
        QObject::connect(s, &Session::joined, s, [s, i, &received, &subscribed] {
            s->subscribe(QStringLiteral("com.bench.topic"), {}, [i, &received](const session::EventData &) { ++received[size_t(i)]; },
                         [&subscribed](quint64) { ++subscribed; }, {});
        });
    }
    Session *publisher = openSession(0);
    if (!waitUntil([&] { return allJoined() && subscribed == nSubs; }, 30000)) {
        out(QStringLiteral("setup failed: sessions did not join/subscribe"));
        return 3;
    }
    const wamp::List payload{QString(payloadBytes, u'x')};
    QElapsedTimer timer;
    timer.start();
    int sent = 0;
    int acked = 0; ///< publications up to the last acknowledged one
    constexpr int kBatch = 200;
    qint64 peakQueued = 0;
    const bool fanoutDone = waitUntil([&] {
        // Keep at most two acknowledged batches in flight so nothing queues without bound.
        while (sent < nEvents && sent - acked < 2 * kBatch) {
            const bool ack = (sent + 1) % kBatch == 0 || sent + 1 == nEvents;
            const int upTo = sent + 1;
            publisher->publish(QStringLiteral("com.bench.topic"), payload, {},
                               ack ? wamp::Dict{{QStringLiteral("acknowledge"), true}} : wamp::Dict{},
                               ack ? Session::IdHandler([&acked, upTo](quint64) { acked = upTo; }) : Session::IdHandler{});
            ++sent;
        }
        qint64 q = 0;
        QMetaObject::invokeMethod(router, [&] { q = router->queuedOutboundBytes(); }, Qt::BlockingQueuedConnection);
        peakQueued = qMax(peakQueued, q);
        for (qint64 r : received) {
            if (r < nEvents)
                return false;
        }
        return true;
    }, 600000);
    const double fanoutSecs = timer.nsecsElapsed() / 1e9;
    qint64 delivered = 0;
    for (qint64 r : received)
        delivered += r;
    out(QStringLiteral("fan-out: %1 publications -> %2 events delivered in %3 s: %4 publications/s, %5 events/s%6")
            .arg(sent).arg(delivered).arg(fanoutSecs, 0, 'f', 2)
            .arg(qRound64(sent / fanoutSecs)).arg(qRound64(delivered / fanoutSecs))
            .arg(fanoutDone ? QString() : QStringLiteral(" (TIMED OUT)")));
    out(QStringLiteral("fan-out: peak router outbound queue %1 KiB").arg(peakQueued / 1024));

    // ---- RPC
    Session *callee = openSession(1);
    bool registered = false;
    QObject::connect(callee, &Session::joined, callee, [callee, &registered] {
        callee->registerProcedure(QStringLiteral("com.bench.echo"), {},
                                  [callee](const session::InvocationData &inv) { callee->yield(inv.requestId, inv.args); },
                                  [&registered](quint64) { registered = true; }, {});
    });
    std::vector<Session *> callers;
    for (int i = 0; i < nCallers; ++i)
        callers.push_back(openSession(i));
    if (!waitUntil([&] { return allJoined() && registered; }, 30000)) {
        out(QStringLiteral("setup failed: callee/callers did not join"));
        return 3;
    }
    int issued = 0;
    int done = 0;
    int failed = 0;
    const wamp::List callArgs{42, QStringLiteral("bench")};
    std::function<void(Session *)> issue = [&](Session *c) {
        if (issued >= nCalls)
            return;
        ++issued;
        c->call(QStringLiteral("com.bench.echo"), callArgs, {}, {},
                [&, c](const session::CallResult &) { ++done; issue(c); },
                [&, c](const session::WampError &) { ++done; ++failed; issue(c); });
    };
    timer.restart();
    for (Session *c : callers) {
        for (int w = 0; w < window; ++w)
            issue(c);
    }
    const bool callsDone = waitUntil([&] { return done >= nCalls; }, 600000);
    const double callSecs = timer.nsecsElapsed() / 1e9;
    out(QStringLiteral("rpc: %1 calls (%2 failed) in %3 s: %4 calls/s%5")
            .arg(done).arg(failed).arg(callSecs, 0, 'f', 2).arg(qRound64(done / callSecs))
            .arg(callsDone ? QString() : QStringLiteral(" (TIMED OUT)")));

    router::RouterStats stats;
    QMetaObject::invokeMethod(router, [&] { stats = router->stats(); }, Qt::BlockingQueuedConnection);
    out(QStringLiteral("router stats: %1 publications, %2 EVENT encodings, %3 EVENTs sent, %4 calls routed")
            .arg(stats.publications).arg(stats.eventsEncoded).arg(stats.eventsSent).arg(stats.calls));
    out(QStringLiteral("memory (router + %1 client sessions in one process): VmRSS %2 (before sessions %3), VmHWM %4")
            .arg(sessions.size()).arg(procStatus("VmRSS:"), rssBaseline, procStatus("VmHWM:")));

    sessions.clear();
    QMetaObject::invokeMethod(router, [router] { delete router; }, Qt::BlockingQueuedConnection);
    routerThread.quit();
    routerThread.wait();
    return fanoutDone && callsDone && failed == 0 ? 0 : 1;
}
