#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "util/unique_fd.h"

namespace sr::host {

class HostTransport;

// Work posted to one I/O thread from any thread. The I/O thread watches fd() and runs what
// was posted, in order. This is the only way other threads touch a connection, so every
// socket write happens on the connection's own I/O thread.
class Mailbox {
 public:
  using Task = std::function<void(HostTransport&)>;

  Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  int fd() const { return event_fd_.get(); }
  // False once the mailbox is closed (the I/O thread has stopped).
  bool Post(Task task);
  // On the I/O thread: takes everything posted so far.
  std::vector<Task> Take();
  void Close();

 private:
  UniqueFd event_fd_;
  std::mutex mutex_;
  std::vector<Task> tasks_;
  bool closed_ = false;
};

}  // namespace sr::host
