#include <iostream>

int main() {
  std::cout << "addrmig " << ADDRMIG_VERSION << "\n";
  return 0;
}
