// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-guiflood: floods a SubscribePanel through the built-in router, in process, and prints what the
// window absorbed. The router and the publishers run on their own threads (as a remote router and remote
// publishers would); the GUI thread holds the subscriber session and the shown panel, exactly as in the app.
// Per serializer it reports: events published and absorbed, events/s absorbed, the worst event-loop stall
// (a 5 ms QTimer heartbeat timed with QElapsedTimer), rows shown, and memory per stored message (RSS delta /
// stored count, and the store's own bytes / count).
//
//   wampscope-guiflood [--rate 100000] [--seconds 5] [--serializers json,msgpack,cbor] [--publishers 2]
//                      [--cap 1000000] [--plot kwargs.temp] [--transport rs|ws]
// Without a display it uses the offscreen platform.

#include "models/eventlogmodel.h"
#include "models/topictreemodel.h"
#include "panels/subscribepanel.h"
#include "benchsupport.h"
#include "router/routerhost.h"
#include "session/session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ctime>
#include <unistd.h>

using namespace wb;

namespace {

/// CPU time of the calling thread (the GUI thread here), in microseconds.
qint64 threadCpuUs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

qint64 rssBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : 0;
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
    p.setApplicationDescription(QStringLiteral("Flood a subscribe panel through the built-in router; print events/s absorbed, worst stall, memory/message."));
    p.addHelpOption();
    p.addOption({QStringLiteral("rate"), QStringLiteral("Target events/s in total (default 100000)."), QStringLiteral("N"), QStringLiteral("100000")});
    p.addOption({QStringLiteral("seconds"), QStringLiteral("Flood duration per serializer (default 5)."), QStringLiteral("S"), QStringLiteral("5")});
    p.addOption({QStringLiteral("serializers"), QStringLiteral("Comma-separated (default json,msgpack,cbor)."), QStringLiteral("LIST"), QStringLiteral("json,msgpack,cbor")});
    p.addOption({QStringLiteral("publishers"), QStringLiteral("Publisher sessions, one thread each (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("cap"), QStringLiteral("Event store cap (default 1000000)."), QStringLiteral("N"), QStringLiteral("1000000")});
    p.addOption({QStringLiteral("plot"), QStringLiteral("Plot this field while flooding (default kwargs.temp; '' for none)."), QStringLiteral("PATH"), QStringLiteral("kwargs.temp")});
    p.addOption({QStringLiteral("transport"), QStringLiteral("rs or ws (default rs)."), QStringLiteral("KIND"), QStringLiteral("rs")});
    p.process(app);
    const double rate = p.value(QStringLiteral("rate")).toDouble();
    const int seconds = p.value(QStringLiteral("seconds")).toInt();
    const int publishers = qMax(1, p.value(QStringLiteral("publishers")).toInt());
    const qsizetype cap = p.value(QStringLiteral("cap")).toLongLong();
    const QString kind = p.value(QStringLiteral("transport"));

    // The built-in router on its own thread, as in the app.
    router::RouterHost host;
    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(kind == u"ws" ? QStringLiteral("ws://127.0.0.1:0/ws") : QStringLiteral("rs://127.0.0.1:0"))}};
    cfg.maxOutboundQueueBytes = 512LL * 1024 * 1024;
    host.start(cfg);
    if (!bench::startedWithin(host, 10000)) {
        fprintf(stderr, "router failed: %s\n", qPrintable(host.snapshot().lastError));
        return 3;
    }
    const QUrl url = host.snapshot().urls.first();

    QFile la(QStringLiteral("/proc/loadavg"));
    const QByteArray load = la.open(QIODevice::ReadOnly) ? la.readAll().trimmed() : QByteArray("?");
    printf("# machine: %d CPUs, load average %s\n", QThread::idealThreadCount(), load.constData());
    printf("# wampscope-guiflood: target %.0f events/s for %d s per serializer, %d publisher thread(s), cap %lld, %s, platform %s\n",
           rate, seconds, publishers, (long long)cap, qPrintable(url.toString()), qPrintable(QGuiApplication::platformName()));
    printf("%-8s %10s %10s %12s %10s %10s %9s %12s %12s %12s %10s\n", "serial", "published", "absorbed", "absorbed/s", "stall_ms", "p99_ms",
           "rows", "rss_B/msg", "store_B/msg", "gui_us/event", "idle_stall");
    fflush(stdout);

    int failures = 0;
    for (const QString &serName : p.value(QStringLiteral("serializers")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const codec::Serializer *ser = codec::serializerByName(serName);
        if (!ser) {
            fprintf(stderr, "unknown serializer %s\n", qPrintable(serName));
            return 2;
        }
        const qint64 rssBefore = rssBytes();
        // Subscriber + panel on the GUI thread.
        auto sub = std::make_unique<session::Session>();
        transport::ConnectOptions c;
        c.url = url;
        c.serializer = ser->id();
        sub->open(c, {});
        if (!bench::waitUntil([&] { return sub->isJoined(); }, 5000)) {
            fprintf(stderr, "subscriber could not join\n");
            return 3;
        }
        auto panel = std::make_unique<ui::SubscribePanel>(sub.get());
        panel->resize(1400, 900);
        panel->show();
        panel->setCap(cap);
        if (!p.value(QStringLiteral("plot")).isEmpty())
            panel->setPlotPath(p.value(QStringLiteral("plot")));
        panel->subscribeTo(QStringLiteral("com.bench"), QStringLiteral("prefix"));
        if (!bench::waitUntil([&] { return panel->subscriptionCount() == 1; }, 5000)) {
            fprintf(stderr, "subscribe failed: %s\n", qPrintable(panel->lastError()));
            return 3;
        }
        bool subscriberLost = false;
        QObject::connect(sub.get(), &session::Session::left, [&](const QString &reason, const QString &msg) {
            subscriberLost = true;
            fprintf(stderr, "subscriber left: %s %s\n", qPrintable(reason), qPrintable(msg));
        });

        // Publishers, one thread each.
        std::vector<std::unique_ptr<QThread>> threads;
        std::vector<bench::Flooder *> flooders;
        for (int i = 0; i < publishers; ++i) {
            auto t = std::make_unique<QThread>();
            t->start();
            auto *f = new bench::Flooder(url, ser->id(), rate / publishers, i);
            f->moveToThread(t.get());
            bench::runIn(f, [f] { f->open(); });
            flooders.push_back(f);
            threads.push_back(std::move(t));
        }
        if (!bench::waitUntil([&] { return std::all_of(flooders.begin(), flooders.end(), [](bench::Flooder *f) { return f->joined(); }); }, 5000)) {
            fprintf(stderr, "publishers could not join\n");
            return 3;
        }
        const qint64 rssStart = rssBytes();
        const quint64 storedStart = panel->store().totalAppended();

        // Heartbeat: the worst gap between 5 ms ticks, minus the period, is the worst stall.
        QElapsedTimer beat;
        beat.start();
        qint64 last = 0, worst = 0;
        std::vector<qint64> gaps;
        QTimer hb;
        hb.setTimerType(Qt::PreciseTimer);
        QObject::connect(&hb, &QTimer::timeout, [&] {
            const qint64 now = beat.elapsed();
            const qint64 gap = now - last - 5;
            last = now;
            worst = std::max(worst, gap);
            gaps.push_back(std::max<qint64>(gap, 0));
        });
        hb.start(5);

        // Baseline: the same heartbeat for 1 s without traffic (scheduler noise of a busy machine shows here).
        bench::waitUntil([] { return false; }, 1000);
        const qint64 idleWorst = worst;
        worst = 0;
        gaps.clear();
        QElapsedTimer clock;
        clock.start();
        const qint64 cpuStart = threadCpuUs();
        for (bench::Flooder *f : flooders)
            bench::runIn(f, [f, seconds] { f->start(seconds * 1000LL); });
        bench::waitUntil([&] { return std::all_of(flooders.begin(), flooders.end(), [](bench::Flooder *f) { return f->finished(); }); }, seconds * 1000 + 10000);
        quint64 published = 0;
        for (bench::Flooder *f : flooders)
            published += f->sent();
        // Drain: until everything published arrived (or nothing more comes for 2 s).
        quint64 prev = 0;
        QElapsedTimer still;
        still.start();
        qint64 lastArrival = clock.elapsed();
        bench::waitUntil([&] {
            if (subscriberLost)
                return true;
            const quint64 got = panel->store().totalAppended() - storedStart;
            if (got >= published)
                return true;
            if (got != prev) {
                prev = got;
                still.restart();
                lastArrival = clock.elapsed();
            }
            return still.elapsed() > 2000;
        }, 600000);
        const quint64 absorbed = panel->store().totalAppended() - storedStart;
        if (absorbed >= published)
            lastArrival = clock.elapsed();
        bench::waitUntil([] { return false; }, 3 * ui::SubscribePanel::kRefreshMs); // let the models catch up
        hb.stop();
        const qint64 cpuUs = threadCpuUs() - cpuStart;
        const qint64 rssEnd = rssBytes();
        std::sort(gaps.begin(), gaps.end());
        const qint64 p99 = gaps.empty() ? 0 : gaps[size_t(double(gaps.size() - 1) * 0.99)];
        const double secs = double(lastArrival) / 1000.0;
        const qsizetype stored = panel->store().size();
        const int rows = panel->allEventsModel()->rowCount();
        printf("%-8s %10llu %10llu %12.0f %10lld %10lld %9d %12.1f %12.1f %12.2f %10lld%s\n", qPrintable(serName), (unsigned long long)published,
               (unsigned long long)absorbed, secs > 0 ? double(absorbed) / secs : 0.0, (long long)worst, (long long)p99, rows,
               stored ? double(rssEnd - rssStart) / double(stored) : 0.0,
               stored ? double(panel->store().memoryBytes()) / double(stored) : 0.0,
               absorbed ? double(cpuUs) / double(absorbed) : 0.0, (long long)idleWorst,
               subscriberLost ? "  (subscriber dropped by the router)" : "");
        fflush(stdout);
        if (subscriberLost || absorbed < published)
            ++failures;

        for (size_t i = 0; i < flooders.size(); ++i) {
            bench::Flooder *f = flooders[i];
            bench::runIn(f, [f] { f->stop(); delete f; });
            threads[i]->quit();
            threads[i]->wait();
        }
        panel.reset();
        sub->leave();
        bench::waitUntil([&] { return !sub->isJoined(); }, 2000);
        sub.reset();
        Q_UNUSED(rssBefore)
    }
    host.shutdown();
    return failures ? 1 : 0;
}
