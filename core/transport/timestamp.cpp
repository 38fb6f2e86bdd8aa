// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/timestamp.h"

#include <QDateTime>

#include <chrono>

namespace wb::transport {

namespace {

qint64 steadyUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

struct Base
{
    qint64 mono;
    qint64 wall;
};

const Base &base()
{
    static const Base b{steadyUs(), QDateTime::currentMSecsSinceEpoch() * 1000};
    return b;
}

} // namespace

Timestamp Timestamp::now()
{
    const Base &b = base();
    qint64 mono = steadyUs();
    if (mono == 0) // 0 means "no timestamp"
        mono = 1;
    return {b.wall + (mono - b.mono), mono};
}

qint64 Timestamp::wallFromMono(qint64 monoUs)
{
    const Base &b = base();
    return b.wall + (monoUs - b.mono);
}

} // namespace wb::transport
