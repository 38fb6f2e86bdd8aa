// SPDX-License-Identifier: GPL-3.0-or-later
#include "stophandler.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace wb::cli {

namespace {
int s_stopFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto r = ::write(s_stopFd[0], &c, 1);
}
} // namespace

void installStopHandler(std::function<void()> onStop)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_stopFd) != 0)
        return;
    auto *n = new QSocketNotifier(s_stopFd[1], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(n, &QSocketNotifier::activated, n, [n, onStop = std::move(onStop)] {
        char c;
        [[maybe_unused]] auto r = ::read(s_stopFd[1], &c, 1);
        n->setEnabled(false);
        onStop();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

} // namespace wb::cli
