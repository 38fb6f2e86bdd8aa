// SPDX-License-Identifier: GPL-3.0-or-later
#include "capture/redaction.h"

#include "codec/serializer.h"
#include "wamp/message.h"

namespace wb::capture {

using wamp::Dict;
using wamp::List;
using wamp::MessageType;
using wamp::Value;

bool isSecretKey(const QString &key)
{
    static const char *const kWords[] = {"secret", "password", "passwd", "ticket", "token",
                                         "private", "signature", "proof", "cookie", "cbind_data"};
    for (const char *w : kWords) {
        if (key.contains(QLatin1String(w), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

namespace {

/// Replaces secret keys of \a dict; true if any.
bool redactDict(Dict &dict)
{
    bool changed = false;
    for (auto it = dict.begin(); it != dict.end(); ++it) {
        if (isSecretKey(it.key()) && !(it.value().isString() && it.value().toString() == kRedacted)) {
            it.value() = Value(kRedacted);
            changed = true;
        }
    }
    return changed;
}

/// The authextra of a HELLO/WELCOME details dict.
bool redactAuthExtra(Value &details)
{
    if (!details.isDict())
        return false;
    Dict d = details.toDict();
    auto it = d.find(QStringLiteral("authextra"));
    if (it == d.end() || !it.value().isDict())
        return false;
    Dict extra = it.value().toDict();
    if (!redactDict(extra))
        return false;
    it.value() = Value(extra);
    details = Value(d);
    return true;
}

bool redactList(List &l)
{
    if (l.isEmpty())
        return false;
    const auto type = MessageType(l.at(0).toInt64().value_or(0));
    bool changed = false;
    switch (type) {
    case MessageType::Hello:
        if (l.size() > 2)
            changed = redactAuthExtra(l[2]);
        break;
    case MessageType::Welcome:
        if (l.size() > 2)
            changed = redactAuthExtra(l[2]);
        break;
    case MessageType::Challenge:
        if (l.size() > 2 && l.at(2).isDict()) {
            Dict extra = l.at(2).toDict();
            bool c = redactDict(extra);
            auto salt = extra.find(QStringLiteral("salt"));
            if (salt != extra.end() && !(salt.value().isString() && salt.value().toString() == kRedacted)) {
                salt.value() = Value(kRedacted);
                c = true;
            }
            if (c) {
                l[2] = Value(extra);
                changed = true;
            }
        }
        break;
    case MessageType::Authenticate:
        if (l.size() > 1 && !(l.at(1).isString() && l.at(1).toString() == kRedacted)) {
            l[1] = Value(kRedacted);
            changed = true;
        }
        if (l.size() > 2 && l.at(2).isDict()) {
            Dict extra = l.at(2).toDict();
            if (redactDict(extra)) {
                l[2] = Value(extra);
                changed = true;
            }
        }
        break;
    default:
        break;
    }
    return changed;
}

} // namespace

bool redactMessage(RecordedMessage &rm)
{
    if (rm.kind != RecordKind::Message)
        return false;
    const codec::Serializer *s = codec::serializer(rm.serializer);
    List list;
    if (rm.message.isValid()) {
        const auto t = rm.message.type();
        if (t != MessageType::Hello && t != MessageType::Welcome && t != MessageType::Challenge
            && t != MessageType::Authenticate)
            return false;
        list = rm.message.toValue().toList();
    } else {
        if (!s || rm.bytes.isEmpty())
            return false;
        Result<Value> v = s->decode(rm.bytes);
        if (!v.ok() || !v->isList())
            return false;
        list = v->toList();
    }
    if (!redactList(list))
        return false;
    const Value value(list);
    if (s)
        rm.bytes = s->encode(value);
    if (rm.message.isValid()) {
        Result<wamp::Message> m = wamp::Message::fromValue(value);
        rm.message = m.ok() ? *m : wamp::Message();
    }
    return true;
}

bool redactConnection(ConnectionInfo &info)
{
    bool changed = false;
    auto headers = [&changed](transport::HeaderList &list) {
        for (auto &h : list) {
            const QByteArray name = h.first.toLower();
            if ((name == "authorization" || name == "proxy-authorization" || name == "cookie" || name == "set-cookie")
                && h.second != kRedacted.toUtf8()) {
                h.second = kRedacted.toUtf8();
                changed = true;
            }
        }
    };
    headers(info.requestHeaders);
    headers(info.responseHeaders);
    if (!info.url.password().isEmpty()) {
        info.url.setPassword(kRedacted);
        changed = true;
    }
    return changed;
}

} // namespace wb::capture
