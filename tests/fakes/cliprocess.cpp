// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/cliprocess.h"

#include <QRegularExpression>
#include <QTest>

namespace wb::test {

namespace {
QString &programPath()
{
    static QString path;
    return path;
}
} // namespace

CliProcess::CliProcess() : m_p(std::make_unique<QProcess>()), m_env(QProcessEnvironment::systemEnvironment()) {}

CliProcess::~CliProcess()
{
    if (m_p->state() != QProcess::NotRunning) {
        m_p->kill();
        m_p->waitForFinished(2000);
    }
}

void CliProcess::setProgram(const QString &path)
{
    programPath() = path;
}

QString CliProcess::program()
{
    return programPath();
}

void CliProcess::setEnv(const QString &name, const QString &value)
{
    m_env.insert(name, value);
}

void CliProcess::start(const QStringList &args, const QString &secret)
{
    if (!secret.isEmpty())
        m_env.insert(QStringLiteral("WAMPSCOPE_SECRET"), secret);
    m_p->setProcessEnvironment(m_env);
    QObject::connect(m_p.get(), &QProcess::readyReadStandardOutput, m_p.get(), [this] { out += m_p->readAllStandardOutput(); });
    QObject::connect(m_p.get(), &QProcess::readyReadStandardError, m_p.get(), [this] { err += m_p->readAllStandardError(); });
    m_p->start(programPath(), args);
}

bool CliProcess::waitOut(const QByteArray &needle, int ms)
{
    return QTest::qWaitFor([&] { return out.contains(needle) || m_p->state() == QProcess::NotRunning; }, ms)
           && out.contains(needle);
}

bool CliProcess::waitErr(const QByteArray &needle, int ms)
{
    return QTest::qWaitFor([&] { return err.contains(needle) || m_p->state() == QProcess::NotRunning; }, ms)
           && err.contains(needle);
}

int CliProcess::finish(int ms)
{
    if (!QTest::qWaitFor([&] { return m_p->state() == QProcess::NotRunning; }, ms)) {
        m_p->kill();
        m_p->waitForFinished(2000);
        return -1;
    }
    out += m_p->readAllStandardOutput();
    err += m_p->readAllStandardError();
    return m_p->exitStatus() == QProcess::NormalExit ? m_p->exitCode() : -2;
}

void CliProcess::terminate()
{
    m_p->terminate();
}

int CliProcess::run(const QStringList &args, QByteArray *out, QByteArray *err, const QString &secret)
{
    CliProcess p;
    p.start(args, secret);
    const int rc = p.finish();
    if (out)
        *out = p.out;
    if (err)
        *err = p.err;
    return rc;
}

bool startCliRouter(CliRouter &router, const QStringList &args)
{
    const qsizetype listeners = std::max<qsizetype>(1, args.count(QStringLiteral("--listen")));
    router.process.start(QStringList{QStringLiteral("router")} + args);
    if (!QTest::qWaitFor([&] { return router.process.out.count("listening on") >= listeners
                                      || router.process.process()->state() == QProcess::NotRunning; },
                         10000)
        || router.process.out.count("listening on") < listeners)
        return false;
    const QRegularExpression re(QStringLiteral("listening on (([a-z]+)://\\S+)"));
    auto it = re.globalMatch(QString::fromUtf8(router.process.out));
    while (it.hasNext()) {
        const auto m = it.next();
        router.urls << m.captured(1);
        if (m.captured(2) == u"ws" && router.ws.isEmpty())
            router.ws = m.captured(1);
        if (m.captured(2) == u"rs" && router.rs.isEmpty())
            router.rs = m.captured(1);
    }
    return true;
}

} // namespace wb::test
