// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-routerhost-bench: the built-in router on its RouterHost thread next to a busy window, in process.
// Prints two figures (not a test; see README "Performance"):
//  (a) an external client's sequential RPC latency (p50/p99) through the built-in router, idle and while the
//      window's traffic log absorbs a publication flood (publisher threads -> a subscription of the window's
//      "Local router" connection, so the GUI thread is busy recording and showing every EVENT);
//      goal: p99 under load within 2x of idle.
//  (b) the window's worst event-loop stall (a 5 ms QTimer heartbeat on the GUI thread, largest gap minus the
//      period) while the router serves closed-loop RPC from external callers at full speed; goal: under 100 ms.
// "External" clients run on their own QThreads with their own Sessions over real loopback sockets (rs/msgpack).
//
//   QT_QPA_PLATFORM=offscreen wampscope-routerhost-bench [--rate 100000] [--publishers 2] [--rpc-seconds 5]
//                                 [--rounds 5] [--callers 2] [--window 20] [--seconds 5] [--no-subscriber]

#include "benchsupport.h"
#include "client/connection.h"
#include "connectionworkspace.h"
#include "mainwindow.h"
#include "panels/panelfactory.h"
#include "panels/trafficlogpanel.h"
#include "router/routerhost.h"
#include "session/session.h"
#include "settings/secretstore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

using namespace wb;

namespace {

const QString kProcedure = QStringLiteral("com.benchrpc.echo");

/// One external client on its own thread: the echo callee, a sequential caller or a closed-loop caller.
class RpcClient : public QObject
{
public:
    explicit RpcClient(QUrl url) : m_url(std::move(url)) {}

    void open()
    {
        m_session = new session::Session(this);
        connect(m_session, &session::Session::joined, this, [this] { m_joined = true; });
        transport::ConnectOptions c;
        c.url = m_url;
        c.serializer = codec::SerializerId::MsgPack;
        m_session->open(c, {});
    }
    void registerEcho()
    {
        m_session->registerProcedure(
            kProcedure, {}, [this](const session::InvocationData &inv) { m_session->yield(inv.requestId, inv.args); },
            [this](quint64) { m_ready = true; }, [this](const session::WampError &) { m_ready = true; });
    }
    /// Calls one at a time for \a ms milliseconds; latencies in microseconds.
    void runSequential(qint64 ms)
    {
        m_latUs.clear();
        m_latUs.reserve(200000);
        m_duration = ms;
        m_done = false;
        m_runClock.start();
        nextSequential();
    }
    /// \a window calls outstanding, for \a ms milliseconds.
    void runClosedLoop(int window, qint64 ms)
    {
        m_completed = 0;
        m_done = false;
        m_duration = ms;
        m_clock.start();
        m_outstanding = window;
        for (int i = 0; i < window; ++i)
            issueClosedLoop();
    }
    void close()
    {
        if (m_session)
            m_session->leave();
    }
    bool joined() const { return m_joined.load(); }
    bool ready() const { return m_ready.load(); }
    bool done() const { return m_done.load(); }
    quint64 completed() const { return m_completed.load(); }
    quint64 errors() const { return m_errors.load(); }
    std::vector<qint64> latencies() const { return m_latUs; } // read after done()

private:
    void nextSequential()
    {
        if (m_runClock.elapsed() >= m_duration) {
            m_done = true;
            return;
        }
        m_clock.start();
        auto finished = [this] {
            m_latUs.push_back(m_clock.nsecsElapsed() / 1000);
            nextSequential();
        };
        m_session->call(kProcedure, {qint64(m_latUs.size())}, {}, {}, [finished](const session::CallResult &) { finished(); },
                        [this, finished](const session::WampError &) {
                            ++m_errors;
                            finished();
                        });
    }
    void issueClosedLoop()
    {
        if (m_clock.elapsed() >= m_duration) {
            if (--m_outstanding == 0)
                m_done = true;
            return;
        }
        m_session->call(kProcedure, {qint64(m_completed.load())}, {}, {},
                        [this](const session::CallResult &) {
                            ++m_completed;
                            issueClosedLoop();
                        },
                        [this](const session::WampError &) {
                            ++m_errors;
                            issueClosedLoop();
                        });
    }

    QUrl m_url;
    session::Session *m_session = nullptr;
    QElapsedTimer m_clock, m_runClock;
    std::vector<qint64> m_latUs;
    int m_outstanding = 0;
    qint64 m_duration = 0;
    std::atomic<bool> m_joined{false}, m_ready{false}, m_done{false};
    std::atomic<quint64> m_completed{0}, m_errors{0};
};

void finish(RpcClient *c)
{
    c->close();
}
void finish(bench::Flooder *f)
{
    f->stop();
}

/// An object living on its own thread; it leaves and is deleted there, then the thread is joined.
template<typename T>
struct OnThread
{
    std::unique_ptr<QThread> thread = std::make_unique<QThread>();
    T *object = nullptr;
    template<typename... A>
    explicit OnThread(A &&...args)
    {
        thread->start();
        object = new T(std::forward<A>(args)...);
        object->moveToThread(thread.get());
    }
    template<typename F>
    void run(F f)
    {
        T *o = object;
        bench::runIn(o, [o, f] { f(o); });
    }
    ~OnThread()
    {
        T *o = object;
        bench::runIn(o, [o] {
            finish(o);
            delete o;
        });
        thread->quit();
        thread->wait();
    }
};

struct Percentiles
{
    double p50 = 0, p99 = 0, max = 0;
    size_t n = 0;
};

Percentiles percentiles(std::vector<qint64> v)
{
    Percentiles p;
    if (v.empty())
        return p;
    std::sort(v.begin(), v.end());
    p.n = v.size();
    p.p50 = double(v[size_t(double(v.size() - 1) * 0.50)]) / 1000.0;
    p.p99 = double(v[size_t(double(v.size() - 1) * 0.99)]) / 1000.0;
    p.max = double(v.back()) / 1000.0;
    return p;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("wb.*.debug=false\nwb.*.info=false"));
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("RPC latency through the built-in router next to a busy window, and the window's worst stall under RPC load."));
    p.addHelpOption();
    p.addOption({QStringLiteral("rate"), QStringLiteral("Publication flood to the window, events/s in total (default 100000)."), QStringLiteral("N"), QStringLiteral("100000")});
    p.addOption({QStringLiteral("publishers"), QStringLiteral("Publisher threads (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("rpc-seconds"), QStringLiteral("Sequential calls in (a): seconds per condition, split over the rounds (default 5)."), QStringLiteral("S"), QStringLiteral("5")});
    p.addOption({QStringLiteral("callers"), QStringLiteral("Closed-loop caller threads for (b) (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("window"), QStringLiteral("Outstanding calls per closed-loop caller (default 20)."), QStringLiteral("N"), QStringLiteral("20")});
    p.addOption({QStringLiteral("rounds"), QStringLiteral("Alternating idle/flooded rounds in (a) (default 5)."), QStringLiteral("N"), QStringLiteral("5")});
    p.addOption({QStringLiteral("no-subscriber"), QStringLiteral("Diagnostic: flood without the window's subscription (the router drops the publications).")});
    p.addOption({QStringLiteral("seconds"), QStringLiteral("Duration of the closed-loop load in (b) (default 5)."), QStringLiteral("S"), QStringLiteral("5")});
    p.process(app);
    const double rate = p.value(QStringLiteral("rate")).toDouble();
    const int publishers = qMax(1, p.value(QStringLiteral("publishers")).toInt());
    const qint64 rpcMs = qMax(1, p.value(QStringLiteral("rpc-seconds")).toInt()) * 1000LL;
    const int rounds = qMax(1, p.value(QStringLiteral("rounds")).toInt());
    const int callers = qMax(1, p.value(QStringLiteral("callers")).toInt());
    const int window = qMax(1, p.value(QStringLiteral("window")).toInt());
    const int seconds = qMax(1, p.value(QStringLiteral("seconds")).toInt());

    // The built-in router on its thread, and the window on it, as in the app (throwaway settings).
    router::RouterHost host;
    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))},
                     router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
    cfg.maxOutboundQueueBytes = 512LL * 1024 * 1024; // the window is the slow consumer on purpose
    host.start(cfg);
    if (!bench::startedWithin(host, 10000)) {
        fprintf(stderr, "router failed: %s\n", qPrintable(host.snapshot().lastError));
        return 3;
    }
    QUrl rs;
    for (const QUrl &u : host.snapshot().urls) {
        if (u.scheme() == u"rs")
            rs = u;
    }
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    settings::MemorySecretStore secrets;
    ui::MainWindowOptions o;
    o.settings = &settings;
    o.secrets = &secrets;
    ui::ConnectionWorkspace::setPanelFactory(&ui::panels::install);
    ui::MainWindow w(&host, o);
    w.resize(1400, 860);
    w.show();
    client::Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
    if (!local || !bench::waitUntil([&] { return local->state() == client::Connection::State::Connected; }, 10000)) {
        fprintf(stderr, "the window's Local router connection did not join\n");
        return 3;
    }
    local->setRttProbeInterval(0);

    QFile la(QStringLiteral("/proc/loadavg"));
    const QByteArray load = la.open(QIODevice::ReadOnly) ? la.readAll().trimmed() : QByteArray("?");
    printf("# machine: %d CPUs, load average %s; platform %s; router %s\n", QThread::idealThreadCount(), load.constData(),
           qPrintable(QGuiApplication::platformName()), qPrintable(rs.toString()));
    fflush(stdout);

    OnThread<RpcClient> callee(rs);
    callee.run([](RpcClient *c) { c->open(); });
    if (!bench::waitUntil([&] { return callee.object->joined(); }, 10000))
        return 3;
    callee.run([](RpcClient *c) { c->registerEcho(); });
    if (!bench::waitUntil([&] { return callee.object->ready(); }, 10000))
        return 3;

    // ---- (a) sequential RPC, idle and with the window's traffic log under a flood. The two conditions alternate in
    // rounds, so load from outside this process weighs on both alike.
    const bool windowSubscribes = !p.isSet(QStringLiteral("no-subscriber"));
    bool subscribed = !windowSubscribes;
    quint64 subscription = 0;
    if (windowSubscribes)
        local->session()->subscribe(QStringLiteral("com.bench"), {{QStringLiteral("match"), QStringLiteral("prefix")}},
                                    [](const session::EventData &) {}, [&](quint64 id) {
                                        subscription = id;
                                        subscribed = true;
                                    }, {});
    if (!bench::waitUntil([&] { return subscribed; }, 5000))
        return 3;
    std::vector<std::unique_ptr<OnThread<bench::Flooder>>> flooders;
    for (int i = 0; i < publishers; ++i) {
        flooders.push_back(std::make_unique<OnThread<bench::Flooder>>(rs, codec::SerializerId::MsgPack, rate / publishers, i));
        flooders.back()->run([](bench::Flooder *f) { f->open(); });
    }
    OnThread<RpcClient> caller(rs);
    caller.run([](RpcClient *c) { c->open(); });
    if (!bench::waitUntil([&] { return caller.object->joined() && std::all_of(flooders.begin(), flooders.end(), [](auto &f) { return f->object->joined(); }); }, 10000))
        return 3;
    quint64 errors = 0;
    auto slice = [&](qint64 ms, std::vector<qint64> &into) {
        caller.run([ms](RpcClient *c) { c->runSequential(ms); });
        bench::waitUntil([&] { return caller.object->done(); }, int(ms) + 60000);
        caller.run([&into](RpcClient *c) {
            const std::vector<qint64> l = c->latencies();
            into.insert(into.end(), l.begin(), l.end());
        });
    };
    capture::CaptureStore *store = w.trafficLog()->store();
    auto sent = [&] {
        quint64 n = 0;
        for (auto &f : flooders)
            n += f->object->sent();
        return n;
    };
    std::vector<qint64> warmup, idleLat, loadedLat;
    slice(300, warmup);
    quint64 published = 0, recorded = 0;
    qint64 floodMs = 0;
    const qint64 sliceMs = std::max<qint64>(200, rpcMs / rounds);
    for (int round = 0; round < rounds; ++round) {
        slice(sliceMs, idleLat);
        for (auto &f : flooders)
            f->run([](bench::Flooder *fl) { fl->start(3600 * 1000); });
        bench::waitUntil([] { return false; }, 300); // the flood reaches the window
        const quint64 sent0 = sent(), rec0 = store->totalRecorded();
        QElapsedTimer floodClock;
        floodClock.start();
        slice(sliceMs, loadedLat);
        floodMs += floodClock.elapsed();
        published += sent() - sent0;
        recorded += store->totalRecorded() - rec0;
        for (auto &f : flooders)
            f->run([](bench::Flooder *fl) { fl->pause(); });
        // the window drains what is still on its way before the next idle slice
        quint64 prev = store->totalRecorded();
        QElapsedTimer still;
        still.start();
        bench::waitUntil([&] {
            if (store->totalRecorded() != prev) {
                prev = store->totalRecorded();
                still.restart();
            }
            return still.elapsed() > 150;
        }, 10000);
    }
    const Percentiles idle = percentiles(idleLat), loaded = percentiles(loadedLat);
    errors += caller.object->errors();
    const double floodSecs = double(floodMs) / 1000.0;
    const double absorbedRate = floodSecs > 0 ? double(recorded) / floodSecs : 0.0;
    printf("(a) sequential RPC p50/p99 through the built-in router (external caller and callee threads, rs/msgpack;\n"
           "    %d rounds of %lld ms idle + %lld ms flooded)\n", rounds, (long long)sliceMs, (long long)sliceMs);
    printf("    idle window:                 n=%zu  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", idle.n, idle.p50, idle.p99, idle.max);
    printf("    traffic log under a flood:   n=%zu  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", loaded.n, loaded.p50, loaded.p99, loaded.max);
    printf("    flood: target %.0f events/s, published %.0f/s, the window's traffic log recorded %.0f msg/s (%.1f s flooded)\n",
           rate, floodSecs > 0 ? double(published) / floodSecs : 0.0, absorbedRate, floodSecs);
    printf("    p99 loaded / idle: %.2fx (goal <= 2x)%s\n", idle.p99 > 0 ? loaded.p99 / idle.p99 : 0.0,
           windowSubscribes && absorbedRate < 0.9 * rate ? "  NOTE: the window recorded less than 90% of the target rate" : "");
    fflush(stdout);
    flooders.clear();
    if (windowSubscribes)
        local->session()->unsubscribe(subscription);
    bench::waitUntil([] { return false; }, 1000);

    // ---- (b) the window's worst stall while the router serves closed-loop RPC at full speed
    w.selectRouter(); // the router panel is shown: snapshots and stats arrive while the load runs
    std::vector<std::unique_ptr<OnThread<RpcClient>>> loaders;
    for (int i = 0; i < callers; ++i) {
        loaders.push_back(std::make_unique<OnThread<RpcClient>>(rs));
        loaders.back()->run([](RpcClient *c) { c->open(); });
    }
    if (!bench::waitUntil([&] { return std::all_of(loaders.begin(), loaders.end(), [](auto &c) { return c->object->joined(); }); }, 10000))
        return 3;
    QElapsedTimer beat;
    beat.start();
    qint64 last = 0, worst = 0;
    std::vector<qint64> gaps;
    QTimer hb;
    hb.setTimerType(Qt::PreciseTimer);
    QObject::connect(&hb, &QTimer::timeout, &hb, [&] {
        const qint64 now = beat.elapsed();
        const qint64 gap = std::max<qint64>(now - last - 5, 0);
        last = now;
        worst = std::max(worst, gap);
        gaps.push_back(gap);
    });
    last = beat.elapsed();
    hb.start(5);
    bench::waitUntil([] { return false; }, 1000);
    const qint64 idleWorst = worst;
    worst = 0;
    gaps.clear();
    QElapsedTimer loadClock;
    loadClock.start();
    for (auto &c : loaders)
        c->run([window, seconds](RpcClient *rc) { rc->runClosedLoop(window, seconds * 1000LL); });
    bench::waitUntil([&] { return std::all_of(loaders.begin(), loaders.end(), [](auto &c) { return c->object->done(); }); }, seconds * 1000 + 30000);
    const double loadSecs = double(loadClock.elapsed()) / 1000.0;
    hb.stop();
    quint64 completed = 0;
    for (auto &c : loaders) {
        completed += c->object->completed();
        errors += c->object->errors();
    }
    std::sort(gaps.begin(), gaps.end());
    const qint64 p99gap = gaps.empty() ? 0 : gaps[size_t(double(gaps.size() - 1) * 0.99)];
    printf("(b) window event-loop stall while the built-in router serves closed-loop RPC (%d caller thread(s) x %d outstanding, %d s)\n",
           callers, window, seconds);
    printf("    worst stall %lld ms, p99 gap %lld ms (idle baseline worst %lld ms); router served %.0f calls/s (goal: stall < 100 ms)\n",
           (long long)worst, (long long)p99gap, (long long)idleWorst, loadSecs > 0 ? double(completed) / loadSecs : 0.0);
    if (errors)
        printf("    %llu call(s) failed\n", (unsigned long long)errors);
    fflush(stdout);
    loaders.clear();
    w.close();
    host.shutdown();
    return 0;
}
