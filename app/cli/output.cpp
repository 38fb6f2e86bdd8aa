// SPDX-License-Identifier: GPL-3.0-or-later
#include "output.h"

#include "codec/serializer.h"
#include "session/session.h"

#include <cstdio>

namespace wb::cli {

using namespace wb::wamp;

namespace {
void writeLine(FILE *f, const QString &line)
{
    const QByteArray b = line.toUtf8() + '\n';
    fwrite(b.constData(), 1, size_t(b.size()), f);
    fflush(f);
}
} // namespace

void out(const QString &line)
{
    writeLine(stdout, line);
}

void err(const QString &line)
{
    writeLine(stderr, line);
}

QString jsonLine(const Value &v)
{
    return QString::fromUtf8(codec::serializer(codec::SerializerId::Json)->encode(v));
}

Value parseArg(const QString &text)
{
    auto v = codec::serializer(codec::SerializerId::Json)->decode(text.toUtf8());
    return v.ok() ? *v : Value(text);
}

void printError(const session::WampError &e)
{
    out(jsonLine(Dict{{s("error"), e.uri}, {s("args"), e.args}, {s("kwargs"), e.kwargs}}));
    err(s("error: ") + e.toString());
}

} // namespace wb::cli
