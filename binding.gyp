{
  # The live capture addon (src/capture/native). Built by `npm install` through node-gyp with
  # g++, make, python3 and Node's headers only: libpcap is loaded at run time (dlopen) for BPF.
  # Off Linux only a stub is built that reports live capture as unsupported.
  "targets": [
    {
      "target_name": "flowmatrix_capture",
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "src/capture/native/addon.cc",
            "src/capture/native/bpf.cc",
            "src/capture/native/capture_session.cc",
            "src/capture/native/interfaces.cc",
            "src/capture/native/notifier.cc",
            "src/capture/native/packet_socket.cc",
            "src/capture/native/shard_thread.cc"
          ],
          "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-O2"],
          "libraries": ["-ldl", "-lpthread"]
        }, {
          "sources": ["src/capture/native/addon_stub.cc"],
          "cflags_cc": ["-std=c++17", "-fexceptions"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
          },
          "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
        }]
      ]
    }
  ]
}
