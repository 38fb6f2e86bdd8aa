// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// wampscope-cli as a child process for the tests of its contract (tests/cli): stdout and stderr collected as
// they arrive, waits bounded by timeouts, the process killed when the object goes. startCliRouter() runs
// `wampscope-cli router` on free loopback ports and reads its "listening on URL" lines.
// The tests pass the path of the executable in (compile definition WAMPSCOPE_CLI_PATH of the test target):
// CliProcess::setProgram(QStringLiteral(WAMPSCOPE_CLI_PATH)) once in initTestCase().

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

namespace wb::test {

class CliProcess
{
public:
    CliProcess();
    ~CliProcess();
    CliProcess(const CliProcess &) = delete;
    CliProcess &operator=(const CliProcess &) = delete;

    static void setProgram(const QString &path);
    static QString program();

    /// Set \a name=\a value in the child's environment (before start()).
    void setEnv(const QString &name, const QString &value);
    /// Start `wampscope-cli ARGS`; a non-empty \a secret goes into WAMPSCOPE_SECRET.
    void start(const QStringList &args, const QString &secret = QString());

    /// Wait until stdout/stderr contains \a needle (false when the process ended or \a ms passed without it).
    bool waitOut(const QByteArray &needle, int ms = 10000);
    bool waitErr(const QByteArray &needle, int ms = 10000);
    /// Wait for the exit; the exit code, -1 after a timeout (the process is killed), -2 after a crash.
    int finish(int ms = 15000);
    /// SIGTERM: the graceful stop every command handles.
    void terminate();
    QProcess *process() { return m_p.get(); }

    /// Run one command to its end: the exit code (as finish()), its output into \a out / \a err.
    static int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr,
                   const QString &secret = QString());

    QByteArray out, err;

private:
    std::unique_ptr<QProcess> m_p;
    QProcessEnvironment m_env;
};

/// A running `wampscope-cli router` and its listening URLs.
struct CliRouter
{
    CliProcess process;
    QStringList urls; ///< every "listening on" URL, in order
    QString ws, rs;   ///< the first ws:// and rs:// URL (empty when there is none)
};

/// Start `wampscope-cli router ARGS` in \a router and wait until each --listen in \a args printed its
/// "listening on" line (the default arguments: ws:// and rs:// on 127.0.0.1 port 0). False on failure; the
/// router's stderr says why.
bool startCliRouter(CliRouter &router,
                    const QStringList &args = {QStringLiteral("--listen"), QStringLiteral("ws://127.0.0.1:0/ws"),
                                               QStringLiteral("--listen"), QStringLiteral("rs://127.0.0.1:0")});

} // namespace wb::test
