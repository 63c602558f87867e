#pragma once
// Fixed-capacity list of decay products (PDG id + four-momentum): the output of a decay
// model, filled without heap allocation.
#include <array>
#include <cassert>
#include <cstddef>

#include "kaonlab/core/FourVector.hpp"

namespace kaonlab::generator {

struct Product {
  int pdgId = 0;
  FourVector p;
};

template <std::size_t N>
class ProductList {
 public:
  void clear() { size_ = 0; }
  void push(int pdgId, const FourVector& p) {
    assert(size_ < N);
    items_[size_++] = Product{pdgId, p};
  }
  std::size_t size() const { return size_; }
  static constexpr std::size_t capacity() { return N; }
  Product& operator[](std::size_t i) { return items_[i]; }
  const Product& operator[](std::size_t i) const { return items_[i]; }
  Product* begin() { return items_.data(); }
  Product* end() { return items_.data() + size_; }
  const Product* begin() const { return items_.data(); }
  const Product* end() const { return items_.data() + size_; }
  FourVector total() const {
    FourVector s;
    for (std::size_t i = 0; i < size_; ++i) s += items_[i].p;
    return s;
  }

 private:
  std::array<Product, N> items_{};
  std::size_t size_ = 0;
};

/// Products of one K+ decay in the kaon rest frame (at most 6 bodies).
using DecayProducts = ProductList<8>;

}  // namespace kaonlab::generator
