#include "http/mailbox.h"

#include <sys/eventfd.h>

#include <cstdint>
#include <stdexcept>

namespace sr::host {

Mailbox::Mailbox() : event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!event_fd_.valid()) throw std::runtime_error("eventfd failed");
}

bool Mailbox::Post(Task task) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    wake = tasks_.empty();
    tasks_.push_back(std::move(task));
  }
  if (wake) {
    std::uint64_t one = 1;
    // A full counter only means a wake-up is already pending.
    [[maybe_unused]] ssize_t ignored = ::write(event_fd_.get(), &one, sizeof(one));
  }
  return true;
}

std::vector<Mailbox::Task> Mailbox::Take() {
  std::uint64_t count = 0;
  [[maybe_unused]] ssize_t ignored = ::read(event_fd_.get(), &count, sizeof(count));
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Task> taken;
  taken.swap(tasks_);
  return taken;
}

void Mailbox::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  tasks_.clear();
}

}  // namespace sr::host
