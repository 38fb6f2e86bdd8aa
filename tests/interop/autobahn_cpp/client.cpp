// SPDX-License-Identifier: GPL-3.0-or-later
// Interop client: Autobahn|C++ (Debian's autobahn-cpp-dev; RawSocket over TCP with MessagePack)
// against a WAMP router.
//
//   autobahn_cpp_client --host 127.0.0.1 --port PORT [--realm realm1] [--timeout 10] [--debug]
//
// Two sessions ("main" and "publisher") on the router's rs:// listener:
//   register com.example.cpp.add2 and call it (23+7=30), call it with 2^53 and a unicode string
//   echo, subscribe and receive an event published by the other session, call an unknown procedure
//   (expects wamp.error.no_such_procedure), leave. Every wait is bounded by --timeout seconds.
// Prints PASS/FAIL lines; exit 0 when everything passed, 1 otherwise, 2 on bad usage.

#include <autobahn/autobahn.hpp>

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::chrono::milliseconds g_timeout{10000};
int g_passed = 0;

void pass(const std::string& what)
{
    ++g_passed;
    std::cout << "PASS " << what << std::endl;
}

void expect(bool cond, const std::string& what, const std::string& detail)
{
    if (!cond)
        throw Failure(what + ": " + detail);
    pass(what);
}

// Wait for a boost::future with the global bound; returns its value (rethrowing its exception).
template <typename T>
T await(boost::future<T>&& f, const std::string& what)
{
    if (f.wait_for(boost::chrono::milliseconds(g_timeout.count())) != boost::future_status::ready)
        throw Failure(what + ": no answer within " + std::to_string(g_timeout.count()) + " ms");
    try {
        return f.get();
    } catch (const Failure&) {
        throw;
    } catch (const std::exception& e) {
        throw Failure(what + ": failed: " + e.what());
    }
}

struct Peer {
    std::string name;
    std::shared_ptr<autobahn::wamp_tcp_transport> transport;
    std::shared_ptr<autobahn::wamp_session> session;
    uint64_t session_id = 0;
};

Peer connect_and_join(boost::asio::io_service& io, const boost::asio::ip::tcp::endpoint& ep,
                      const std::string& realm, const std::string& name, bool debug)
{
    Peer p;
    p.name = name;
    p.transport = std::make_shared<autobahn::wamp_tcp_transport>(io, ep, debug);
    p.session = std::make_shared<autobahn::wamp_session>(io, debug);
    p.transport->attach(std::static_pointer_cast<autobahn::wamp_transport_handler>(p.session));
    await(p.transport->connect(), name + ": rawsocket connect + handshake (msgpack)");
    await(p.session->start(), name + ": session start");
    p.session_id = await(p.session->join(realm), name + ": join " + realm);
    expect(p.session_id > 0, name + ": joined " + realm, "session id is 0");
    return p;
}

void leave_and_disconnect(Peer& p)
{
    std::string reason = await(p.session->leave(), p.name + ": leave");
    expect(!reason.empty(), p.name + ": leave answered with GOODBYE (" + reason + ")", "empty reason");
    await(p.session->stop(), p.name + ": session stop");
    await(p.transport->disconnect(), p.name + ": disconnect");
    pass(p.name + ": disconnected");
}

} // namespace

int main(int argc, char** argv)
{
    std::string host = "127.0.0.1";
    std::string realm = "realm1";
    int port = 0;
    bool debug = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "missing value for " << a << std::endl;
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--host")
            host = next();
        else if (a == "--port")
            port = std::atoi(next().c_str());
        else if (a == "--realm")
            realm = next();
        else if (a == "--timeout")
            g_timeout = std::chrono::milliseconds(static_cast<long>(std::atof(next().c_str()) * 1000));
        else if (a == "--debug")
            debug = true;
        else {
            std::cerr << "usage: " << argv[0]
                      << " --port PORT [--host 127.0.0.1] [--realm realm1] [--timeout 10] [--debug]"
                      << std::endl;
            return 2;
        }
    }
    if (port <= 0 || port > 65535) {
        std::cerr << "FAIL: --port PORT is required (the router's rs:// port)" << std::endl;
        return 2;
    }

    boost::asio::io_service io;
    auto work = std::make_unique<boost::asio::io_service::work>(io);
    std::thread io_thread([&io] {
        try {
            io.run();
        } catch (const std::exception& e) {
            std::cout << "FAIL io thread: unhandled exception from Autobahn|C++: " << e.what() << std::endl;
            std::_Exit(1);
        }
    });

    int rc = 0;
    try {
        boost::asio::ip::tcp::endpoint ep(boost::asio::ip::address::from_string(host),
                                          static_cast<unsigned short>(port));
        Peer main_peer = connect_and_join(io, ep, realm, "main", debug);
        Peer pub_peer = connect_and_join(io, ep, realm, "publisher", debug);
        expect(main_peer.session_id != pub_peer.session_id, "distinct session ids",
               "both sessions got " + std::to_string(main_peer.session_id));

        // Register add2 and echo on the main session.
        std::atomic<int> add2_invocations{0};
        await(main_peer.session->provide("com.example.cpp.add2",
                  [&add2_invocations](autobahn::wamp_invocation inv) {
                      ++add2_invocations;
                      auto a = inv->argument<uint64_t>(0);
                      auto b = inv->argument<uint64_t>(1);
                      inv->result(std::make_tuple(a + b));
                  }),
              "register com.example.cpp.add2");
        pass("register com.example.cpp.add2");
        await(main_peer.session->provide("com.example.cpp.echo",
                  [](autobahn::wamp_invocation inv) {
                      inv->result(std::make_tuple(inv->argument<std::string>(0)));
                  }),
              "register com.example.cpp.echo");
        pass("register com.example.cpp.echo");

        // Call add2 from the other session (router routes caller -> callee) and from the callee itself.
        {
            auto r = await(pub_peer.session->call("com.example.cpp.add2", std::make_tuple(23, 7)),
                           "call add2(23, 7) from the publisher session");
            auto sum = r.argument<uint64_t>(0);
            expect(r.number_of_arguments() == 1 && sum == 30, "add2(23, 7) == 30",
                   "got " + std::to_string(sum) + " (" + std::to_string(r.number_of_arguments()) + " args)");
        }
        {
            auto r = await(main_peer.session->call("com.example.cpp.add2", std::make_tuple(23, 7)),
                           "call add2(23, 7) from the callee's own session");
            expect(r.argument<uint64_t>(0) == 30, "add2(23, 7) == 30 (self-call)",
                   "got " + std::to_string(r.argument<uint64_t>(0)));
        }
        {
            const uint64_t big = uint64_t(1) << 53;  // 9007199254740992
            auto r = await(pub_peer.session->call("com.example.cpp.add2", std::make_tuple(big, uint64_t(1))),
                           "call add2(2^53, 1)");
            auto got = r.argument<uint64_t>(0);
            expect(got == big + 1, "add2(2^53, 1) == 2^53 + 1 (exact 64-bit integers)",
                   "got " + std::to_string(got));
        }
        {
            const std::string s = "h\u00e9llo w\u00f6rld \u2603 \u65e5\u672c\u8a9e \U0001F600";
            auto r = await(pub_peer.session->call("com.example.cpp.echo", std::make_tuple(s)),
                           "call echo(unicode)");
            auto got = r.argument<std::string>(0);
            expect(got == s, "echo(unicode string) round-trips byte for byte", "got '" + got + "'");
        }
        expect(add2_invocations.load() == 3, "add2 invoked exactly 3 times",
               "invoked " + std::to_string(add2_invocations.load()) + " times");

        // Subscribe on main, publish from the other session.
        std::mutex mtx;
        std::condition_variable cv;
        std::vector<std::pair<std::string, int64_t>> events;
        await(main_peer.session->subscribe("com.example.cpp.topic",
                  [&](const autobahn::wamp_event& ev) {
                      std::string msg;
                      int64_t n = -1;
                      try {
                          msg = ev.argument<std::string>(0);
                          n = ev.argument<int64_t>(1);
                      } catch (const std::exception& e) {
                          msg = std::string("<bad event arguments: ") + e.what() + ">";
                      }
                      std::lock_guard<std::mutex> lock(mtx);
                      events.emplace_back(msg, n);
                      cv.notify_all();
                  }),
              "subscribe com.example.cpp.topic");
        pass("subscribe com.example.cpp.topic");
        // PUBLISH without acknowledge: Autobahn|C++'s future resolves once the message is sent.
        await(pub_peer.session->publish("com.example.cpp.topic",
                                        std::make_tuple(std::string("hello from c++ \u2713"), int64_t(42))),
              "publish to com.example.cpp.topic");
        pass("publish to com.example.cpp.topic");
        {
            std::unique_lock<std::mutex> lock(mtx);
            bool got = cv.wait_for(lock, g_timeout, [&] { return !events.empty(); });
            if (!got)
                throw Failure("event: the subscriber got no EVENT within " +
                              std::to_string(g_timeout.count()) + " ms");
            expect(events.size() == 1 && events[0].first == "hello from c++ \u2713" && events[0].second == 42,
                   "subscriber received the event with its arguments",
                   "got " + std::to_string(events.size()) + " event(s), first ('" + events[0].first + "', " +
                       std::to_string(events[0].second) + ")");
        }

        // Unknown procedure -> ERROR wamp.error.no_such_procedure (Autobahn|C++ puts the URI in what()).
        {
            auto f = main_peer.session->call("com.example.cpp.does_not_exist", std::make_tuple(1));
            if (f.wait_for(boost::chrono::milliseconds(g_timeout.count())) != boost::future_status::ready)
                throw Failure("call unknown procedure: no answer within " + std::to_string(g_timeout.count()) +
                              " ms");
            std::string err;
            try {
                f.get();
                err = "<call succeeded>";
            } catch (const std::exception& e) {
                err = e.what();
            }
            expect(err.rfind("wamp.error.no_such_procedure", 0) == 0,
                   "unknown procedure -> wamp.error.no_such_procedure", "got '" + err + "'");
        }
        {
            // The session is still usable after the error.
            auto r = await(main_peer.session->call("com.example.cpp.add2", std::make_tuple(1, 2)),
                           "call add2(1, 2) after the error");
            expect(r.argument<uint64_t>(0) == 3, "session usable after the error (add2(1, 2) == 3)",
                   "got " + std::to_string(r.argument<uint64_t>(0)));
        }

        leave_and_disconnect(pub_peer);
        leave_and_disconnect(main_peer);
    } catch (const std::exception& e) {
        std::cout << "FAIL " << e.what() << std::endl;
        rc = 1;
    }

    work.reset();
    io.stop();
    io_thread.join();
    std::cout << "autobahn-cpp rs+msgpack: " << g_passed << " passed, " << (rc ? 1 : 0) << " failed"
              << std::endl;
    return rc;
}
